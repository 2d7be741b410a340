using MusicLM.MuLan;
using MusicLM.Torch;
using Xunit.Abstractions;

namespace MusicLM.Tests.MuLan;

public class MuLanTrainerTests(ITestOutputHelper output)
{
    /// <summary>
    /// The collapse regression (musiclm-pytorch #68: loss stuck at ln(B − 1)): on 16 clips with distinct captions,
    /// a short run must bring the loss well below ln B and retrieve far above chance. A model whose embeddings
    /// collapse to one point keeps the loss at ln B and ranks at chance, and fails both checks.
    /// </summary>
    [Fact]
    public void A_short_run_on_distinct_captions_beats_chance_clearly()
    {
        var clips = TinyMuLan.Clips(16, seconds: 2);
        Assert.Equal(16, clips.Select(c => c.Caption).Distinct().Count());
        using var model = TinyMuLan.Model(seed: 1);
        using var trainer = new MuLanTrainer(model, MuLanTrainerConfig.Quick with { BatchSize = 16, Seed = 1 });
        var examples = clips.Select(MuLanExample.From).ToList();
        var features = MuLanFeatures.Compute(model, examples);
        try
        {
            var result = trainer.Train(features, steps: 80);
            var last = result.History.TakeLast(5).Average(h => h.Loss);
            var (r1, r5) = trainer.HeldOutRecall(features);                    // on the training clips: a capacity check
            output.WriteLine($"loss {result.History[0].Loss:0.000} → {last:0.000} (ln 16 = {Math.Log(16):0.000}); R@1 {r1:P0}, R@5 {r5:P0}; τ {model.Temperature:0.000}");
            Assert.True(last < 0.5 * Math.Log(16), $"loss {last} is not well below ln 16 = {Math.Log(16)}");
            Assert.True(r1 >= 4.0 / 16, $"text→audio R@1 {r1} (chance 1/16)");
            Assert.True(r5 >= 0.75, $"text→audio R@5 {r5} (chance 5/16)");
        }
        finally { foreach (var f in features) f.Mel.Dispose(); }
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed_and_resumes_where_it_stopped()
    {
        using var dir = new TempDir();
        var examples = TinyMuLan.Clips(6, seconds: 1).Select(MuLanExample.From).ToList();
        var tokenizer = TinyMuLan.Tokenizer();
        // A constant rate: each Train call runs its own cosine schedule, so only then do 2 + 2 steps equal 4.
        var config = MuLanTrainerConfig.Quick with { BatchSize = 4, Seed = 9, FinalLearningRateFraction = 1 };

        double[] Run(int steps, string? checkpoint)
        {
            using var model = TinyMuLan.Model(seed: 2, tokenizer: tokenizer);
            using var trainer = new MuLanTrainer(model, config with { CheckpointPath = checkpoint });
            return trainer.Train(examples, steps: steps).History.Select(h => h.Loss).ToArray();
        }

        var a = Run(4, null);
        var b = Run(4, null);
        Assert.Equal(a, b);

        var path = dir.File("mulan.safetensors");
        var first = Run(2, path);
        using var resumed = MuLanTrainer.Resume(path);
        Assert.Equal(2, resumed.Step);
        var rest = resumed.Train(examples, steps: 2).History.Select(h => h.Loss).ToArray();
        Assert.Equal(a, first.Concat(rest).ToArray());
    }

    [Fact]
    public void The_quantizer_fitted_on_audio_embeddings_tokenizes_text_too()
    {
        var examples = TinyMuLan.Clips(8, seconds: 1).Select(MuLanExample.From).ToList();
        using var model = TinyMuLan.Model();
        using var trainer = new MuLanTrainer(model, MuLanTrainerConfig.Quick);
        var features = MuLanFeatures.Compute(model, examples);
        try
        {
            trainer.Train(features, steps: 2);
            var errors = trainer.FitQuantizer(features);
            Assert.Equal(model.quantizer.Levels, errors.Length);
            using var text = model.EmbedText(examples.Select(e => e.Caption).ToList());
            using var tokens = model.Tokens(text);
            Assert.Equal(new long[] { 8, model.quantizer.Levels }, tokens.shape);
            var eval = MuLanEvaluation.Run(model, features);
            Assert.Equal(8, eval.Clips);
            Assert.InRange(eval.TokenLevelsAgreeing, 0, model.quantizer.Levels);
            Assert.Equal(4, eval.ZeroShot.Count);
            Assert.Equal(1.0 / 9, eval["style"].Chance, 6);
        }
        finally { foreach (var f in features) f.Mel.Dispose(); }
    }
}
