using System.Diagnostics;
using MusicLM.Codec;
using MusicLM.Codec.Training;
using MusicLM.Torch;
using Xunit.Abstractions;

namespace MusicLM.Tests.Codec.Training;

[Collection(TrainingCollection.Name)]
public class CodecTrainerTests : IDisposable
{
    private readonly ITestOutputHelper output;
    private readonly string dir = Path.Combine(Path.GetTempPath(), "musiclm-codec-train-" + Guid.NewGuid().ToString("N")[..8]);

    public CodecTrainerTests(ITestOutputHelper output) => this.output = output;

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
    }

    [Fact]
    public void A_short_run_lowers_the_reconstruction_loss_and_the_discriminator_joins_after_warm_up()
    {
        var clips = TinyCodec.Clips();
        using var model = TinyCodec.Model();
        using var trainer = new CodecTrainer(model, TinyCodec.Trainer with { WarmupSteps = 10 });
        var first = trainer.Train(clips, steps: 3);
        var before = trainer.Evaluate(clips, maxSeconds: 0.5);
        var result = trainer.Train(clips, steps: 30);
        var after = trainer.Evaluate(clips, maxSeconds: 0.5);
        output.WriteLine($"mel {before.MelDistance:F3} → {after.MelDistance:F3}, L1 {before.L1:F4} → {after.L1:F4}, SI-SNR {before.SiSnrDb:F1} → {after.SiSnrDb:F1} dB");

        Assert.Equal(33, trainer.Step);
        Assert.True(after.MelDistance < before.MelDistance * 0.9, $"mel distance {before.MelDistance} → {after.MelDistance}");
        var history = first.History.Concat(result.History).ToList();
        Assert.All(history.Where(h => h.Step <= 10), h => Assert.True(double.IsNaN(h.Discriminator) && double.IsNaN(h.Adversarial)));
        var adversarial = history.Where(h => h.Step > 10).ToList();
        Assert.NotEmpty(adversarial);
        Assert.All(adversarial, h =>
        {
            Assert.True(double.IsFinite(h.Discriminator) && h.Discriminator >= 0);
            Assert.True(double.IsFinite(h.Adversarial) && double.IsFinite(h.FeatureMatching));
        });
        Assert.All(history, h => Assert.InRange(h.Levels, 1, model.Levels));
        Assert.All(history, h => Assert.True(h.Perplexity >= 1));
    }

    [Fact]
    public void Resuming_from_a_checkpoint_continues_the_step_count_and_matches_an_uninterrupted_run()
    {
        var clips = TinyCodec.Clips(2);
        var config = TinyCodec.Trainer with { WarmupSteps = 1, WeightEmaDecay = 0.9, CheckpointEvery = 0 };

        // Uninterrupted: 4 steps.
        using var modelA = TinyCodec.Model(seed: 5);
        torch.manual_seed(6);
        using var straight = new CodecTrainer(modelA, config);
        var all = straight.Train(clips, steps: 4);

        // Interrupted: 2 steps, checkpoint, resume in a new trainer, 2 more.
        var path = Path.Combine(dir, "codec.safetensors");
        using (var modelB = TinyCodec.Model(seed: 5))
        {
            torch.manual_seed(6);
            using var before = new CodecTrainer(modelB, config with { CheckpointPath = path });
            before.Train(clips, steps: 2);
        }
        Assert.True(File.Exists(path) && File.Exists(Checkpoint(path)) && File.Exists(CodecTrainer.TrainerConfigPath(path)));
        using var resumed = CodecTrainer.Resume(path, config);
        Assert.Equal(2, resumed.Step);
        var rest = resumed.Train(clips, steps: 2);

        Assert.Equal(4, resumed.Step);
        Assert.Equal(new long[] { 3, 4 }, rest.History.Select(h => h.Step));
        for (var i = 0; i < 2; i++)
        {
            CodecTrainingStep a = all.History[2 + i], b = rest.History[i];
            Assert.Equal(a.Levels, b.Levels);
            Assert.Equal(a.Mel, b.Mel, 4);
            Assert.Equal(a.L1, b.L1, 5);
            Assert.Equal(a.Adversarial, b.Adversarial, 4);
            Assert.Equal(a.Discriminator, b.Discriminator, 4);
        }
        using var scope = torch.NewDisposeScope();
        var pa = straight.Model.state_dict();
        foreach (var (k, v) in resumed.Model.state_dict())
            Assert.True((v - pa[k]).abs().max().item() < 1e-4, $"{k} differs after resuming");
        var ea = straight.WeightAverage!.State;
        foreach (var (k, v) in resumed.WeightAverage!.State)
            Assert.True((v - ea[k]).abs().max().item() < 1e-4, $"ema {k} differs after resuming");

        // The training checkpoint is also a plain codec checkpoint.
        using var loaded = CodecModel.Load(path);
        Assert.Equal(TinyCodec.Config.CodebookSize, loaded.CodebookSize);
    }

    private static string Checkpoint(string path) => MusicLM.Torch.Serialization.Checkpoint.OptimizerPath(path);

    [Fact]
    public void A_time_budget_stops_training_within_the_budget_and_writes_the_csv_log()
    {
        var clips = TinyCodec.Clips(2);
        var log = Path.Combine(dir, "train.csv");
        using var model = TinyCodec.Model();
        using var trainer = new CodecTrainer(model, TinyCodec.Trainer with { LogPath = log });
        var budget = TimeSpan.FromSeconds(2);
        var watch = Stopwatch.StartNew();
        var result = trainer.Train(clips, steps: null, budget: budget);
        watch.Stop();

        Assert.Equal("budget", result.StoppedBy);
        // How many steps fit depends on the machine's load; that the budget, not a step count, ended the run is what matters.
        Assert.True(result.StepsRun >= 1, $"no step ran in {budget}");
        var times = new[] { TimeSpan.Zero }.Concat(result.History.Select(h => h.Elapsed)).ToList();
        var longest = times.Zip(times.Skip(1), (a, b) => b - a).Max();
        output.WriteLine($"{result.StepsRun} steps in {result.Elapsed.TotalSeconds:F2} s (longest step {longest.TotalSeconds:F2} s)");
        // The budget is checked before each step, so the run ends at most one step (plus its logging,
        // which a loaded CI machine can stretch to ~0.3 s) after the budget.
        Assert.True(result.Elapsed <= budget + longest + TimeSpan.FromSeconds(1), $"ran {result.Elapsed} for a budget of {budget}");
        Assert.True(watch.Elapsed < budget + longest + TimeSpan.FromSeconds(5), $"the call took {watch.Elapsed} for a budget of {budget}");

        var lines = File.ReadAllLines(log);
        Assert.Equal(CodecTrainingStep.CsvHeader, lines[0]);
        Assert.Equal(result.StepsRun + 1, lines.Length);  // LogEvery = 1
        Assert.Equal("1", lines[1].Split(',')[0]);
        Assert.Equal(12, lines[^1].Split(',').Length);
        Assert.Equal(trainer.Config.LearningRate, double.Parse(lines[^1].Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture), 6);
    }

    [Fact]
    public void LogEvery_sets_which_steps_get_a_log_row_and_a_curve_point_and_the_last_step_gets_one()
    {
        // Notebook 02's quick mode sets LogEvery = 1 so its few steps draw a curve; the CLI keeps the default.
        var clips = TinyCodec.Clips(2);
        var log = Path.Combine(dir, "every-3.csv");
        using var model = TinyCodec.Model();
        using var trainer = new CodecTrainer(model, TinyCodec.Trainer with { LogPath = log, LogEvery = 3, WarmupSteps = 100 });
        trainer.Train(clips, steps: 7);

        var lines = File.ReadAllLines(log);
        Assert.Equal(CodecTrainingStep.CsvHeader, lines[0]);
        Assert.Equal(new[] { "3", "6", "7" }, lines.Skip(1).Select(l => l.Split(',')[0]).ToArray());
    }

    private sealed class Collect(List<CodecTrainingStep> into) : IProgress<CodecTrainingStep>
    {
        public void Report(CodecTrainingStep s) => into.Add(s);
    }

    [Fact]
    public void The_learning_rate_falls_along_a_half_cosine_over_each_call_when_asked()
    {
        var clips = TinyCodec.Clips(2);
        using var model = TinyCodec.Model();
        using var trainer = new CodecTrainer(model, TinyCodec.Trainer with { FinalLearningRateFraction = 0.1, WarmupSteps = 100 });
        var lr = trainer.Config.LearningRate;
        var steps = new List<CodecTrainingStep>();
        trainer.Train(clips, steps: 8, progress: new Collect(steps));
        var rates = steps.Select(s => s.LearningRate).ToList();
        Assert.Equal(lr, rates[0], 12);                                       // the first step at the full rate
        Assert.All(rates.Zip(rates.Skip(1)), p => Assert.True(p.Second < p.First, $"{p.First} → {p.Second}"));
        // step 8 of 8 runs at progress 7/8: 0.1 + 0.9 · ½ (1 + cos(7π/8)) of the rate, close to the floor of 0.1
        Assert.InRange(rates[^1] / lr, 0.1, 0.14);
        Assert.True(rates[3] / lr is > 0.55 and < 0.75, $"half way: {rates[3] / lr}");

        // a second call starts again from the full rate; the default keeps it constant
        steps.Clear();
        trainer.Train(clips, steps: 2, progress: new Collect(steps));
        Assert.Equal(lr, steps[0].LearningRate, 12);
        using var constant = new CodecTrainer(model, TinyCodec.Trainer);
        steps.Clear();
        constant.Train(clips, steps: 3, progress: new Collect(steps));
        Assert.All(steps, s => Assert.Equal(lr, s.LearningRate, 12));
        Assert.Contains("FinalLearningRateFraction", Assert.Throws<ArgumentException>(() => new CodecTrainer(model, TinyCodec.Trainer with { FinalLearningRateFraction = 1.5 })).Message);
    }

    [Fact]
    public void A_log_with_other_columns_is_set_aside_when_a_resumed_run_appends()
    {
        var clips = TinyCodec.Clips(2);
        var checkpoint = Path.Combine(dir, "c.safetensors");
        using (var model = TinyCodec.Model())
        using (var trainer = new CodecTrainer(model, TinyCodec.Trainer with { CheckpointPath = checkpoint }))
            trainer.Train(clips, steps: 2);
        var log = Path.ChangeExtension(checkpoint, ".log.csv");
        var old = new[] { "step,time_s,l1,mel", "1,0.1,0.5,1.5", "2,0.2,0.4,1.4" };
        File.WriteAllLines(log, old);                                          // as an older version wrote it
        using (var resumed = CodecTrainer.Resume(checkpoint))
            resumed.Train(clips, steps: 1);
        var lines = File.ReadAllLines(log);
        Assert.Equal(CodecTrainingStep.CsvHeader, lines[0]);
        Assert.Equal("3", lines[1].Split(',')[0]);
        Assert.Equal(old, File.ReadAllLines(Path.ChangeExtension(log, ".before-step-2.csv")));
    }

    [Fact]
    public void Training_needs_steps_or_a_budget_and_segments_longer_than_the_discriminator_window()
    {
        using var model = TinyCodec.Model();
        using var trainer = new CodecTrainer(model, TinyCodec.Trainer);
        Assert.Throws<ArgumentException>(() => trainer.Train(TinyCodec.Clips(1), steps: null, budget: null));
        var e = Assert.Throws<ArgumentException>(() => new CodecTrainer(model, TinyCodec.Trainer with { SegmentSeconds = 0.01 }));
        Assert.Contains("discriminator", e.Message);
        Assert.Contains("MelBands", Assert.Throws<ArgumentException>(() => new CodecTrainer(model, TinyCodec.Trainer with { MelBands = 0 })).Message);
    }

    /// <summary>
    /// The course codec as the notebook trains it (batch and segment scaled down to fit the test suite):
    /// prints the time per step and the mel distance / SI-SNR before and after.
    /// </summary>
    [Fact]
    public void Benchmark_course_codec_few_steps_improves_reconstruction()
    {
        var clips = TinyCodec.Clips(4, seconds: 2);
        torch.manual_seed(11);
        using var model = CodecModel.Course();
        using var trainer = new CodecTrainer(model, new CodecTrainerConfig
        {
            BatchSize = 2, SegmentSeconds = 0.5, LearningRate = 1e-3, WarmupSteps = 6, ShowProgress = false, LogEvery = 1,
        });
        trainer.Train(clips, steps: 1);                     // k-means initialises the codebooks
        var before = trainer.Evaluate(clips, maxSeconds: 1);
        var result = trainer.Train(clips, steps: 29);
        var after = trainer.Evaluate(clips, maxSeconds: 1);
        var perStep = result.Elapsed.TotalSeconds / result.StepsRun;
        output.WriteLine($"course codec, batch 2 × 0.5 s: {perStep:F2} s/step; after 1 → 30 steps: mel {before.MelDistance:F3} → {after.MelDistance:F3}, " +
                         $"SI-SNR {before.SiSnrDb:F1} → {after.SiSnrDb:F1} dB at {after.BitrateBps / 1000:F1} kbps");
        Assert.True(after.MelDistance < before.MelDistance, $"mel distance {before.MelDistance} → {after.MelDistance}");
        Assert.Contains(result.History, h => double.IsFinite(h.Discriminator));
    }
}
