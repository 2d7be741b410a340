using System.Diagnostics;
using MusicLM.Stages;
using MusicLM.Torch;
using MusicLM.Transformers;

using static MusicLM.Cli.Bench.BenchTools;

namespace MusicLM.Cli.Bench;

/// <summary>
/// Speed of the three stages at the course sizes (<see cref="StageConfig.Course"/>) over the course's token streams
/// (12 × 64 conditioning, 256 semantic tokens at 25 Hz, 8 codec levels × 256 at 50 Hz), random weights and tokens:
/// a training step with the course trainer's batch (median of 3 after one warm-up), and sampling one window with the
/// key/value cache — unguided (batch 1) and guided (scale 3: conditional and unconditional rows together) — against
/// recomputing the whole sequence for every token, the cache's peer, in the same run.
/// </summary>
public static class StageBench
{
    /// <summary>Target tokens sampled by full recomputation (it is quadratic: a whole window would take minutes).</summary>
    public const int UncachedTokens = 48;

    public static StageTokenSpec CourseStreams => new()
    {
        ConditioningLevels = 12, ConditioningCodebook = 64, SemanticVocabulary = 256, SemanticFrameRate = 25,
        CodecLevels = 8, CodebookSize = 256, AcousticFrameRate = 50, FrameRatio = 2, SampleRate = 16000, ClipSeconds = 10,
        SemanticFrames = 250, AcousticFrames = 500, Fingerprint = "bench",
    };

    public static int Run(IReadOnlyList<StageKind> kinds, TextWriter output)
    {
        var spec = CourseStreams;
        var rng = new Random(0);
        long[] Draw(int n, int k) => Enumerable.Range(0, n).Select(_ => (long)rng.Next(k)).ToArray();
        var clips = Enumerable.Range(0, 16).Select(i => new ClipTokens(i, Draw(12, 64), Draw(250, 256),
            Enumerable.Range(0, 8).Select(_ => Draw(500, 256)).ToArray())).ToList();
        foreach (var kind in kinds)
        {
            torch.manual_seed(0);
            var config = StageConfig.Course(kind, spec);
            using var stage = new StageModel(config);
            var layout = stage.Layout;
            var trainerConfig = CourseStages.Trainer(kind) with { EvalEvery = 0 };
            using var trainer = new StageTrainer(stage, trainerConfig);
            var step = Time(() => trainer.Train(clips, steps: 1), warm: 1, n: 3);

            stage.eval();
            var prefix = layout.Build(clips[0], 0).Tokens[..layout.PrefixLength];
            double Sample(double guidance)
            {
                stage.Generate(new[] { prefix }, new SamplingConfig { GuidanceScale = guidance, Seed = 1 });   // warm
                var sw = Stopwatch.StartNew();
                stage.Generate(new[] { prefix }, new SamplingConfig { GuidanceScale = guidance, Seed = 2 });
                return layout.TargetLength / sw.Elapsed.TotalSeconds;
            }
            var cached = Sample(1);
            var guided = Sample(3);
            var uncached = Uncached(stage, prefix, Math.Min(UncachedTokens, layout.TargetLength));
            output.WriteLine(Inv($"stage-speed stage={kind.ToString().ToLowerInvariant()} tokens={layout.Length} target={layout.TargetLength} vocabulary={layout.Vocabulary.Size} params_m={config.TransformerFor(layout).ParameterCount / 1e6:F2} batch={trainerConfig.BatchSize} train_step_s={step:F3} train_tokens_per_s={trainerConfig.BatchSize * layout.Length / step:F0} sample_tokens_per_s={cached:F0} guided_tokens_per_s={guided:F0} uncached_tokens_per_s={uncached:F1} cache_speedup={cached / uncached:F1}"));
            output.Flush();
        }
        return 0;
    }

    /// <summary>Greedy tokens per second when every token recomputes the whole sequence so far (no cache).</summary>
    private static double Uncached(StageModel stage, long[] prefix, int tokens)
    {
        var seq = prefix.ToList();
        var positions = stage.Layout.Positions;
        using var _ = torch.no_grad();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < tokens; i++)
        {
            using var scope = torch.NewDisposeScope();
            var x = torch.tensor(seq.ToArray(), 1, seq.Count).to(stage.Device);
            var logits = stage.transformer.forward(x, torch.tensor(positions[..seq.Count]).to(stage.Device));
            var r = stage.Layout.TargetRange(i);
            seq.Add(r.Offset + (long)logits[0, seq.Count - 1].narrow(0, r.Offset, r.Size).argmax().item());
        }
        return tokens / sw.Elapsed.TotalSeconds;
    }
}
