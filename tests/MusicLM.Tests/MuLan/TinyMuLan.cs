using MusicLM.Audio.Synthesis;
using MusicLM.MuLan;
using MusicLM.Torch;

namespace MusicLM.Tests.MuLan;

/// <summary>Small synthetic data and a tiny MuLan for fast tests.</summary>
internal static class TinyMuLan
{
    /// <summary>Clips of <paramref name="seconds"/> s at 16 kHz from seeds start…start+count−1.</summary>
    public static List<SynthesizedClip> Clips(int count, double seconds = 2, long start = 0) =>
        Enumerable.Range(0, count).Select(i => SyntheticMusic.Generate(start + i, 16000, seconds)).ToList();

    /// <summary>Captions of many clips (cheap: composed, not rendered), to learn a vocabulary from.</summary>
    public static List<string> Captions(int count = 300) =>
        Enumerable.Range(0, count).Select(i => SyntheticMusic.Compose(ClipSpec.Random(i, 16000, 2)).Caption).ToList();

    public static CaptionTokenizer Tokenizer(int vocab = 160) => CaptionTokenizer.Train(Captions(), vocab, maxLength: 32);

    public static MuLanModel Model(int seed = 0, CaptionTokenizer? tokenizer = null)
    {
        tokenizer ??= Tokenizer();
        torch.manual_seed((ulong)seed);
        return new MuLanModel(MuLanConfig.Tiny(tokenizer.VocabSize, tokenizer.MaxLength), tokenizer);
    }
}
