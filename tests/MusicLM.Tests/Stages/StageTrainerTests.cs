using MusicLM.Stages;
using MusicLM.Torch;
using MusicLM.Transformers;

namespace MusicLM.Tests.Stages;

public class StageTrainerTests
{
    private static List<ClipTokens> Clips(int n, int offset = 0, int frames = 20) => Enumerable.Range(offset, n).Select(i => TinyStages.Deterministic(i, frames)).ToList();

    /// <summary>
    /// The semantic stage sees only the conditioning, which says nothing of where a window starts, so its toy clips are
    /// one window long (a window at a random start of a longer clip has an unknowable first token: ln 6 / 6 ≈ 0.30 nats
    /// a token). The coarse and fine stages read their context, which fixes every target wherever the window starts.
    /// </summary>
    private static List<ClipTokens> ClipsFor(StageKind kind, int n, int offset = 0) =>
        Clips(n, offset, kind == StageKind.Semantic ? TinyStages.Config(kind).SemanticFrames : 20);

    [Theory]
    [MemberData(nameof(TinyStages.AllKinds), MemberType = typeof(TinyStages))]
    public void A_tiny_stage_learns_a_deterministic_toy_sequence_to_near_zero_loss(StageKind kind)
    {
        using var stage = TinyStages.Model(kind);
        using var trainer = new StageTrainer(stage, new StageTrainerConfig { BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 20, ConditionDropout = 0, EvalEvery = 0 });
        var result = trainer.Train(ClipsFor(kind, 32), steps: 250, validation: ClipsFor(kind, 8, 1000));
        var last = result.LastHeldOut!;
        Assert.True(last.HeldOutLoss < 0.1, $"{kind}: held-out loss {last.HeldOutLoss:F3} after 250 steps");
        Assert.True(last.HeldOutAccuracy > 0.97, $"{kind}: held-out accuracy {last.HeldOutAccuracy:P1}");
        // And greedy sampling continues the rule beyond the window (20 frames from windows of 6) by sliding-window
        // continuation, reading the context stream at each window's times.
        var clip = TinyStages.Deterministic(2000, semanticFrames: 20);
        var greedy = new SamplingConfig { Temperature = 0 };
        if (kind == StageKind.Coarse)
        {
            var coarse = Continuation.Coarse(stage, new[] { clip.Conditioning }, new[] { clip.Semantic }, overlap: 3, greedy)[0];
            Assert.Equal(clip.Acoustic[..1], coarse);
        }
        else if (kind == StageKind.Fine)
        {
            var fine = Continuation.Fine(stage, new[] { clip.Conditioning }, new[] { clip.Acoustic[..1] }, overlap: 3, greedy)[0];
            Assert.Equal(clip.Acoustic[1..], fine);
        }
        if (kind == StageKind.Semantic) return;
        // Without overlap the windows are independent and sampled as one batch (two rows × 4 windows of 6 over 20
        // frames, the last starting at 14 inside the third): each frame must land in its own row and place.
        var other = TinyStages.Deterministic(2001, semanticFrames: 20);
        var both = new[] { clip, other };
        var rows = kind == StageKind.Coarse
            ? Continuation.Coarse(stage, both.Select(c => c.Conditioning).ToList(), both.Select(c => c.Semantic).ToList(), overlap: 0, greedy)
            : Continuation.Fine(stage, both.Select(c => c.Conditioning).ToList(), both.Select(c => c.Acoustic[..1]).ToList(), overlap: 0, greedy);
        for (var b = 0; b < 2; b++)
            Assert.Equal(kind == StageKind.Coarse ? both[b].Acoustic[..1] : both[b].Acoustic[1..], rows[b]);
    }

    [Fact]
    public void A_checkpoint_copied_to_another_folder_resumes_there_and_leaves_the_original_alone()
    {
        using var dir = new TempDir();
        var first = Path.Combine(dir.Path, "first");
        var copy = Path.Combine(dir.Path, "copy");
        var config = new StageTrainerConfig { BatchSize = 4, WarmupSteps = 1, EvalEvery = 0, CheckpointPath = Path.Combine(first, "coarse.safetensors"), LogPath = Path.Combine(first, "coarse.csv") };
        using (var model = TinyStages.Model(StageKind.Coarse, seed: 9))
        using (var t = new StageTrainer(model, config)) t.Train(Clips(6), steps: 2);
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(first)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        var stamps = Directory.GetFiles(first).ToDictionary(f => f, File.GetLastWriteTimeUtc);

        var saved = StageTrainer.ReadConfig(Path.Combine(copy, "coarse.safetensors"));
        Assert.Equal(Path.Combine(copy, "coarse.safetensors"), saved.CheckpointPath);
        Assert.Equal(Path.Combine(copy, "coarse.csv"), saved.LogPath);
        using (var resumed = StageTrainer.Resume(Path.Combine(copy, "coarse.safetensors"), expected: StageKind.Coarse))
            resumed.Train(Clips(6), steps: 2);
        Assert.All(stamps, kv => Assert.Equal(kv.Value, File.GetLastWriteTimeUtc(kv.Key)));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(copy, "coarse.csv")).Length);      // header and 4 steps
        Assert.Equal(3, File.ReadAllLines(Path.Combine(first, "coarse.csv")).Length);
    }

    [Fact]
    public void A_resumed_run_is_bit_identical_to_one_that_never_stopped()
    {
        using var dir = new TempDir();
        var config = new StageTrainerConfig { BatchSize = 4, TotalSteps = 12, WarmupSteps = 3, EvalEvery = 0, CheckpointPath = dir.File("coarse.safetensors"), LogPath = dir.File("coarse.csv") };
        var clips = Clips(6);
        using var straight = TinyStages.Model(StageKind.Coarse, seed: 9);
        using (var t = new StageTrainer(straight, config with { CheckpointPath = null, LogPath = null })) t.Train(clips, steps: 12);

        using (var first = TinyStages.Model(StageKind.Coarse, seed: 9))
        using (var t = new StageTrainer(first, config)) t.Train(clips, steps: 5);
        using var resumed = StageTrainer.Resume(dir.File("coarse.safetensors"), expected: StageKind.Coarse);
        Assert.Equal(5, resumed.Step);
        resumed.Train(clips, steps: 7);
        foreach (var (name, p) in straight.named_parameters())
        {
            var q = resumed.Model.named_parameters().Single(x => x.name == name).parameter;
            Assert.True(p.equal(q), $"{name} differs after resuming");
        }
        var lines = File.ReadAllLines(dir.File("coarse.csv"));
        Assert.Equal(StageTrainingStep.CsvHeader, lines[0]);
        Assert.Equal(13, lines.Length);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => i.ToString()), lines.Skip(1).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public void Condition_dropout_teaches_the_null_and_guidance_then_follows_the_condition()
    {
        // With dropout the unconditional model learns the streams' marginal; the conditional one the rule.
        using var stage = TinyStages.Model(StageKind.Semantic);
        using var trainer = new StageTrainer(stage, new StageTrainerConfig { BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 20, ConditionDropout = 0.3, EvalEvery = 0 });
        trainer.Train(ClipsFor(StageKind.Semantic, 32), steps: 250);
        var clip = TinyStages.Deterministic(3000, stage.Config.SemanticFrames);
        var prefix = TinyStages.PrefixOf(stage, clip);
        var greedy = new SamplingConfig { Temperature = 0 };
        Assert.Equal(clip.Semantic[..stage.Config.SemanticFrames], stage.Layout.Revert(stage.Generate(new[] { prefix }, greedy with { GuidanceScale = 3 })[0])[0]);
        // The first token is set by the condition alone: the unconditional model cannot know it and spreads its bets.
        stage.eval();
        using var _ = torch.no_grad();
        double FirstTokenProbability(long[] p)
        {
            var seq = stage.Layout.Build(clip, 0).Tokens;
            Array.Copy(p, seq, p.Length);
            using var logits = stage.TargetLogits(torch.tensor(seq, 1, seq.Length));
            using var probs = logits[0, 0].softmax(-1);
            return probs[seq[stage.Layout.PrefixLength]].item();
        }
        Assert.True(FirstTokenProbability(prefix) > 0.9);
        Assert.True(FirstTokenProbability(stage.Layout.WithNullConditioning(prefix)) < 0.6);
    }

    [Fact]
    public void Baselines_know_a_repeating_stream_but_not_its_start()
    {
        var layout = TinyStages.Config(StageKind.Semantic).Layout();
        var train = StageTrainer.Windows(layout, Clips(40), 120);
        var b = TokenBaselines.Fit(layout, train).Score(StageTrainer.Windows(layout, Clips(10, 500), 30));
        // Semantic tokens count up mod 6 uniformly: the unigram is uniform (ln 6), the bigram nearly certain after the first token.
        Assert.InRange(b.UnigramLoss, Math.Log(6) - 0.05, Math.Log(6) + 0.05);
        Assert.True(b.BigramAccuracy > 0.8, $"bigram accuracy {b.BigramAccuracy}");
        Assert.True(b.BigramLoss < 0.5 * b.UnigramLoss);
    }
}
