using MusicLM.OneStage;
using MusicLM.Stages;
using MusicLM.Torch;
using MusicLM.Torch.Serialization;
using MusicLM.Transformers;

namespace MusicLM.Tests.OneStage;

public class MusicGenModelTests
{
    private const int Q = 3, K = 8, W = 8;

    private static MusicGenConfig Config(string pattern = "delay", int frames = 6) => new()
    {
        CodecLevels = Q, CodebookSize = K, Frames = frames, TextWidth = W, Pattern = pattern, CoarseLevels = 1,
        Transformer = TransformerConfig.Tiny(2, 2) with { Width = 32, Layers = 2, Heads = 2 },
        Sampling = new SamplingConfig { Temperature = 1.0 },
    };

    private static MusicGenModel Model(string pattern = "delay", int frames = 6)
    {
        torch.manual_seed(0);
        return new MusicGenModel(Config(pattern, frames));
    }

    /// <summary>Two "captions": fixed random text states of 2 tokens each.</summary>
    private static (float[] States, int Length) Text(int cls)
    {
        var rng = new Random(100 + cls);
        return (Enumerable.Range(0, 2 * W).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), 2);
    }

    private static (Tensor States, Tensor Mask) Batch(params int[] classes) =>
        OneStageClip.Batch(classes.Select(c => ((float[], int)?)Text(c)).ToList(), W, Device.CPU);

    private static long[][] Constant(int cls, int frames) =>
        Enumerable.Range(0, Q).Select(q => Enumerable.Repeat((long)((3 * cls + q) % K), frames).ToArray()).ToArray();

    private static OneStageClip Clip(int seed, long[][] codes, int cls)
    {
        var (s, n) = Text(cls);
        return new OneStageClip(seed, $"class {cls}", codes, s, n);
    }

    [Fact]
    public void Greedy_cached_sampling_equals_argmax_by_full_recomputation()
    {
        using var model = Model();
        var (ctx, mask) = Batch(0, 1);
        var cached = model.GenerateWindow(ctx, mask, 2, 6, new SamplingConfig { Temperature = 0 });

        // Recompute every step from scratch, feeding the whole sequence so far through the model without a cache.
        model.eval();
        using var _ = torch.no_grad();
        var pattern = model.Pattern;
        var index = pattern.TimeIndex(6);
        var S = pattern.Length(6);
        for (var b = 0; b < 2; b++)
        {
            var seq = Enumerable.Range(0, Q).Select(q => new long[S]).ToArray();
            for (var s = 0; s < S; s++)
            {
                var input = new long[Q * (s + 1)];
                for (var q = 0; q < Q; q++)
                    for (var i = 0; i <= s; i++) input[q * (s + 1) + i] = i == 0 ? K : seq[q][i - 1];
                using var x = torch.tensor(input, 1, Q, s + 1);
                using var c = ctx.narrow(0, b, 1);
                using var m = mask.narrow(0, b, 1);
                using var logits = model.forward(x, model.Positions(0, s + 1), c, m);               // (1, Q, s+1, K)
                for (var q = 0; q < Q; q++)
                {
                    using var last = logits[0, q, s];
                    seq[q][s] = index[q][s] < 0 ? K : (long)last.argmax().item();
                }
            }
            Assert.Equal(pattern.Revert(seq, 6), cached[b]);
        }
    }

    [Fact]
    public void Guidance_scale_one_is_the_conditional_model_and_zero_the_null_condition()
    {
        using var model = Model();
        var (ctx, mask) = Batch(0, 1);
        var sampling = new SamplingConfig { Temperature = 1.0, Seed = 5 };
        var conditional = model.GenerateWindow(ctx, mask, 2, 6, sampling);
        Assert.Equal(conditional, model.GenerateWindow(ctx, mask, 2, 6, sampling with { GuidanceScale = 1.0 }));
        var unconditional = model.GenerateWindow(ctx, mask, 2, 6, sampling with { GuidanceScale = 0.0 });
        Assert.Equal(model.GenerateWindow(null, null, 2, 6, sampling), unconditional);
        // The null condition really changes what the model reads: the logits differ.
        model.eval();
        using (torch.no_grad())
        {
            using var seq = torch.full([1, Q, model.Config.Steps], 1L, ScalarType.Int64);
            using var x = model.Shifted(seq);
            using var a = model.forward(x, model.Positions(0, model.Config.Steps), ctx.narrow(0, 0, 1), mask.narrow(0, 0, 1));
            using var n = model.forward(x, model.Positions(0, model.Config.Steps), model.NullContext(1), null);
            using var diff = (a - n).abs().max();
            Assert.True(diff.item() > 1e-4, $"conditional and null logits differ by only {diff.item():g3}");
        }
    }

    [Fact]
    public void Seeds_reproduce_and_differ()
    {
        using var model = Model();
        var (ctx, mask) = Batch(0);
        var a = model.Generate(ctx, mask, 1, 14, 3, new SamplingConfig { Seed = 1 });
        Assert.Equal(a, model.Generate(ctx, mask, 1, 14, 3, new SamplingConfig { Seed = 1 }));
        Assert.NotEqual(a, model.Generate(ctx, mask, 1, 14, 3, new SamplingConfig { Seed = 2 }));
        Assert.All(a[0], level => Assert.Equal(14, level.Length));
    }

    [Fact]
    public void A_tiny_model_learns_to_follow_its_text_across_windows()
    {
        using var model = Model();
        var train = Enumerable.Range(0, 16).Select(i => Clip(i, Constant(i % 2, 12), i % 2)).ToList();
        var heldOut = new[] { Clip(100, Constant(0, 12), 0), Clip(101, Constant(1, 12), 1) };
        using var trainer = new MusicGenTrainer(model, new StageTrainerConfig { BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 20, ConditionDropout = 0.3, EvalEvery = 0 });
        var result = trainer.Train(train, steps: 200, validation: heldOut);
        Assert.True(result.LastHeldOut!.HeldOutLoss < 0.1, $"held-out loss {result.LastHeldOut.HeldOutLoss:F3} after 200 steps");
        // Greedy, 14 frames from windows of 6 (three windows), each class its own codes in every frame.
        var (ctx, mask) = Batch(0, 1);
        var codes = model.Generate(ctx, mask, 2, 14, 3, new SamplingConfig { Temperature = 0 });
        Assert.Equal(Constant(0, 14), codes[0]);
        Assert.Equal(Constant(1, 14), codes[1]);
        // Trained with condition dropout, the null condition has learnt both classes: unconditional rows (guidance 0)
        // start with either class's codes, while guidance 3 starts every row on its prompt.
        var (many, manyMask) = Batch(Enumerable.Repeat(0, 16).ToArray());
        var free = model.Generate(many, manyMask, 16, 8, 3, new SamplingConfig { Temperature = 1, GuidanceScale = 0, Seed = 4 });
        Assert.Contains(free, c => c[0][0] == Constant(1, 1)[0][0]);
        Assert.Contains(free, c => c[0][0] == Constant(0, 1)[0][0]);
        var guided = model.Generate(many, manyMask, 16, 8, 3, new SamplingConfig { Temperature = 1, GuidanceScale = 3, Seed = 4 });
        Assert.All(guided, c => Assert.Equal(Constant(0, 1), c.Select(level => level[..1]).ToArray()));
    }

    [Fact]
    public void Continuation_stitches_windows_in_place_so_a_learnt_rule_runs_on_across_them()
    {
        // Codes that climb by one a frame from a random phase: a window's first code is unknowable (ln 8 for 1 code of
        // 18, 0.12 nats on average), every other follows. Given the first two frames, greedy continuation over three
        // windows must keep climbing: a window stitched one frame off would break the run.
        long[][] Climb(int phase, int frames) => Enumerable.Range(0, Q).Select(q => Enumerable.Range(0, frames).Select(t => (long)((phase + q + t) % K)).ToArray()).ToArray();
        using var model = Model();
        var train = Enumerable.Range(0, 32).Select(i => Clip(i, Climb(i % K, 16), 0)).ToList();
        using var trainer = new MusicGenTrainer(model, new StageTrainerConfig { BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 20, ConditionDropout = 0, EvalEvery = 0 });
        var result = trainer.Train(train, steps: 200, validation: [Clip(100, Climb(5, 16), 0)]);
        Assert.True(result.LastHeldOut!.HeldOutLoss < 0.25, $"held-out loss {result.LastHeldOut.HeldOutLoss:F3}");
        var (ctx, mask) = Batch(0);
        var given = new[] { Climb(3, 2) };
        var codes = model.Generate(ctx, mask, 1, 15, 3, new SamplingConfig { Temperature = 0 }, given);
        Assert.Equal(Climb(3, 15), codes[0]);
    }

    [Fact]
    public void The_delay_pattern_lets_deeper_levels_read_the_upper_levels_of_their_frame_and_the_parallel_one_does_not()
    {
        // Level 0 is random in every frame; levels 1 and 2 are level 0 plus 1 and plus 2. With the delay pattern, level q
        // of frame t is predicted one step after level q − 1 of the same frame; in parallel all three come at once.
        var rng = new Random(3);
        OneStageClip RandomClip(int seed)
        {
            var first = Enumerable.Range(0, 12).Select(_ => (long)rng.Next(K)).ToArray();
            return Clip(seed, Enumerable.Range(0, Q).Select(q => first.Select(c => (c + q) % K).ToArray()).ToArray(), 0);
        }
        var train = Enumerable.Range(0, 64).Select(RandomClip).ToList();
        var heldOut = Enumerable.Range(100, 8).Select(RandomClip).ToList();
        double Loss(string pattern)
        {
            using var model = Model(pattern);
            using var trainer = new MusicGenTrainer(model, new StageTrainerConfig { BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 20, ConditionDropout = 0, EvalEvery = 0 });
            return trainer.Train(train, steps: 150, validation: heldOut).LastHeldOut!.HeldOutLoss;
        }
        var delay = Loss("delay");
        var parallel = Loss("parallel");
        // Random level-0 codes cost ln 8 = 2.08 nats; averaged over 3 levels the floor is 0.69 with the delay pattern.
        Assert.True(delay < 0.85, $"delay pattern: {delay:F3} nats a code");
        Assert.True(parallel > 1.8, $"parallel pattern: {parallel:F3} nats a code (nothing to read at the step of a frame)");
    }

    [Fact]
    public void Given_frames_start_the_clip_unchanged()
    {
        using var model = Model();
        var (ctx, mask) = Batch(1);
        var given = new[] { Enumerable.Range(0, Q).Select(q => new long[] { 1, 2, 3, 4, (q + 5) % K }).ToArray() };
        var codes = model.Generate(ctx, mask, 1, 16, 2, given: given);
        for (var q = 0; q < Q; q++) Assert.Equal(given[0][q], codes[0][q][..5]);
    }

    [Fact]
    public void Save_and_load_give_the_same_model_and_a_corrupt_file_a_clear_error()
    {
        using var dir = new TempDir();
        using var model = Model();
        var path = Path.Combine(dir.Path, "musicgen.safetensors");
        model.Save(path);
        using var loaded = MusicGenModel.Load(path);
        Assert.Equal(model.Config with { }, loaded.Config with { });
        var (ctx, mask) = Batch(0);
        var s = new SamplingConfig { Seed = 9 };
        Assert.Equal(model.GenerateWindow(ctx, mask, 1, 6, s), loaded.GenerateWindow(ctx, mask, 1, 6, s));
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<CheckpointFormatException>(() => MusicGenModel.Load(path));
    }

    [Fact]
    public void Training_logs_checkpoints_and_resumes_where_it_stopped()
    {
        using var dir = new TempDir();
        var path = dir.File("musicgen.safetensors");
        var train = Enumerable.Range(0, 4).Select(i => Clip(i, Constant(i % 2, 8), i % 2)).ToList();
        var config = new StageTrainerConfig { BatchSize = 4, EvalEvery = 0, CheckpointPath = path, LogPath = Path.ChangeExtension(path, ".csv") };
        TimeSpan elapsed;
        using (var model = Model())
        using (var trainer = new MusicGenTrainer(model, config))
        {
            trainer.Train(train, steps: 3);
            elapsed = trainer.Elapsed;
        }
        Assert.Null(CourseStages.TrainingTime(dir.File("none.safetensors")));
        Assert.Equal(elapsed.TotalSeconds, CourseStages.TrainingTime(path)!.Value.TotalSeconds, 2);
        using var resumed = MusicGenTrainer.Resume(path);
        Assert.Equal(3, resumed.Step);
        resumed.Train(train, steps: 2);
        Assert.Equal(5, resumed.Step);
        Assert.Equal(6, File.ReadAllLines(Path.ChangeExtension(path, ".csv")).Length);    // a header and five steps
        Assert.True(CourseStages.TrainingTime(path) >= TimeSpan.FromSeconds(elapsed.TotalSeconds - 0.01));
    }

    [Fact]
    public void Bad_input_gets_clear_errors()
    {
        using var model = Model();
        var (ctx, mask) = Batch(0);
        Assert.Contains("1 to 6 frames", Assert.Throws<ArgumentOutOfRangeException>(() => model.GenerateWindow(ctx, mask, 1, 7)).Message);
        using var wide = torch.zeros(1, 2, W + 1);
        Assert.Throws<ArgumentException>(() => model.GenerateWindow(wide, null, 1, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate(ctx, mask, 1, 10, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate(ctx, mask, 1, 10, 2, given: [[[9, 9], [1, 1], [1, 1]]]));
        Assert.Throws<ArgumentException>(() => model.Generate(ctx, mask, 1, 2, 2, given: [[[1, 1], [1, 1], [1, 1]]]));
        using var badShape = torch.zeros([1, Q, 5], ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => model.Loss(badShape, ctx, mask));
        using var outOfRange = torch.full([1, Q, 2], (long)K + 1, ScalarType.Int64);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.forward(outOfRange, model.Positions(0, 2), ctx, mask));
        Assert.Throws<ArgumentException>(() => new MusicGenModel(Config() with { Pattern = "zigzag" }));
        using var trainer = new MusicGenTrainer(model, new StageTrainerConfig { EvalEvery = 0 });
        Assert.Contains("shorter than the model's window", Assert.Throws<ArgumentException>(() => trainer.Train([Clip(1, Constant(0, 4), 0)], steps: 1)).Message);
    }
}
