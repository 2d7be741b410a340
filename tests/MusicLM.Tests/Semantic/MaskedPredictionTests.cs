using MusicLM.Semantic;
using MusicLM.Torch;

namespace MusicLM.Tests.Semantic;

public class MaskedPredictionTests
{
    private static MaskedPredictionConfig Tiny => new()
    {
        Width = 32, Layers = 2, Heads = 2, PositionKernel = 5, PositionGroups = 4, Steps = 60, BatchSize = 4, CropFrames = 24,
        WarmupSteps = 5, LearningRate = 3e-3,
    };

    [Fact]
    public void A_span_mask_covers_about_the_expected_fraction()
    {
        var mask = new SpanMask();
        Assert.InRange(mask.ExpectedMaskedFraction, 0.55, 0.60);
        using var m = mask.Sample(64, 400, new Random(1));
        Assert.Equal(new long[] { 64, 400 }, m.shape);
        Assert.Equal(ScalarType.Bool, m.dtype);
        using var f = m.to(ScalarType.Float32).mean();
        Assert.InRange(f.item(), mask.ExpectedMaskedFraction - 0.03, mask.ExpectedMaskedFraction + 0.03);
        // Spans: a masked run is at least SpanLength long unless it touches the end.
        var row = m.select(0, 0).ToArray<bool>();
        int run = 0;
        for (int t = 0; t < row.Length; t++)
        {
            if (row[t]) run++;
            else { Assert.True(run == 0 || run >= mask.SpanLength, $"a masked run of {run} frames ends at {t}"); run = 0; }
        }
    }

    [Fact]
    public void Every_sequence_gets_a_masked_span()
    {
        using var m = new SpanMask(StartProbability: 1e-6).Sample(8, 20, new Random(2));
        using var perRow = m.to(ScalarType.Float32).sum(1);
        Assert.All(perRow.ToArray<float>(), n => Assert.Equal(5f, n));
    }

    [Fact]
    public void Masked_frames_cannot_leak_into_the_output()
    {
        torch.manual_seed(3);
        using var model = new MaskedPredictionModel(10, 7, Tiny);
        model.eval();
        using var x = torch.randn(1, 30, 10);
        using var mask = new SpanMask().Sample(1, 30, new Random(4));
        using var noise = torch.randn(1, 30, 10) * 5;
        using var changed = torch.where(mask.unsqueeze(-1), x + noise, x);      // only the masked frames differ
        using var a = model.forward(x, mask);
        using var b = model.forward(changed, mask);
        Assert.True(a.allclose(b, rtol: 0, atol: 1e-6), "logits depend on the content of masked frames");
        using var c = model.forward(changed);                                      // without the mask they do
        Assert.False(a.allclose(c, rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void The_masked_prediction_loss_falls_on_a_tiny_set()
    {
        // Frames that carry their cluster in a noisy, smooth signal, so the context predicts the masked ones.
        torch.manual_seed(5);
        var rng = new Random(6);
        var frames = new List<Tensor>();
        var targets = new List<Tensor>();
        using var centres = torch.randn(6, 10);                                     // one vector per class, shared by the clips
        for (int clip = 0; clip < 3; clip++)
        {
            int T = 80;
            var y = new long[T];
            for (int t = 0; t < T; t++) y[t] = (t / 8 + clip) % 6;                   // runs of 8 frames of one class
            using var yt = torch.tensor(y);
            using var clean = centres.index_select(0, yt);
            using var jitter = torch.randn(T, 10) * 0.3;
            frames.Add(clean + jitter);
            targets.Add(yt.clone());
        }
        using var model = new MaskedPredictionModel(10, 6, Tiny);
        using var trainer = new MaskedPredictionTrainer(model, seed: 7);
        var history = trainer.Train(frames, targets, steps: 150);
        Assert.Equal(150, history.Count);
        var first = history.Take(10).Average(s => s.Loss);
        var last = history.TakeLast(10).Average(s => s.Loss);
        Assert.True(last < 0.75 * first, $"masked loss {first:0.###} → {last:0.###}");
        Assert.True(first > 1.0, $"the first steps should be near chance (ln 6 = 1.79), got {first:0.###}");
        foreach (var t in frames.Concat(targets)) t.Dispose();
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        double[] Run()
        {
            torch.manual_seed(8);
            using var model = new MaskedPredictionModel(4, 3, Tiny with { Steps = 5 });
            using var x = torch.randn(40, 4);
            using var y = torch.randint(0, 3, new long[] { 40 });
            using var trainer = new MaskedPredictionTrainer(model, seed: 9);
            return trainer.Train(new[] { x }, new[] { y }).Select(s => s.Loss).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Bad_training_data_is_rejected()
    {
        torch.manual_seed(10);
        using var model = new MaskedPredictionModel(4, 3, Tiny);
        using var trainer = new MaskedPredictionTrainer(model);
        using var x = torch.randn(10, 4);
        using var y = torch.zeros(new long[] { 9 }, ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => trainer.Train(new[] { x }, new[] { y }, steps: 1));
        Assert.Throws<ArgumentException>(() => trainer.Train(Array.Empty<Tensor>(), Array.Empty<Tensor>(), steps: 1));
        using var wide = torch.randn(1, 10, 5);
        Assert.Throws<ArgumentException>(() => model.forward(wide));
    }
}
