using MusicLM.Audio.Synthesis;
using MusicLM.Codec;
using MusicLM.Codec.Training;
using MusicLM.MuLan;
using MusicLM.Semantic;
using MusicLM.Tests.Codec.Training;
using MusicLM.Tests.MuLan;

namespace MusicLM.Tests.Stages;

/// <summary>
/// The three earlier models, tiny and barely trained, shared by the token-set tests: a 4-level codec whose codebooks
/// were started by k-means (2 training steps), an iteration-0 semantic tokenizer (32 tokens) and a tiny MuLan whose
/// conditioning quantizer (4 × 8) is fitted on audio embeddings.
/// </summary>
public sealed class TinyStageModels : IDisposable
{
    public TinyStageModels()
    {
        Codec = TinyCodec.Model(seed: 2);
        using (var trainer = new CodecTrainer(Codec, TinyCodec.Trainer))
            trainer.Train(TinyCodec.Clips(2), steps: 2);
        Codec.eval();

        var clips = Enumerable.Range(0, 4).Select(i => SyntheticMusic.Generate(200 + i, 16000, 3.0).Audio).ToList();
        Semantic = SemanticTokenizer.Fit(clips, SemanticTokenizerConfig.Quick with { Iterations = 0, Seed = 1 });

        MuLan = TinyMuLan.Model(seed: 3);
        var examples = TinyMuLan.Clips(6, seconds: 1, start: 300).Select(MuLanExample.From).ToList();
        var features = MuLanFeatures.Compute(MuLan, examples);
        try
        {
            using var trainer = new MuLanTrainer(MuLan, MuLanTrainerConfig.Quick with { BatchSize = 4 });
            trainer.FitQuantizer(features);
        }
        finally { foreach (var f in features) f.Mel.Dispose(); }
        MuLan.eval();
    }

    public CodecModel Codec { get; }
    public SemanticTokenizer Semantic { get; }
    public MuLanModel MuLan { get; }

    public void Dispose()
    {
        Codec.Dispose();
        Semantic.Dispose();
        MuLan.Dispose();
    }
}
