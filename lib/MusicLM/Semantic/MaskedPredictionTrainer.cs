using System.Diagnostics;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using MusicLM.Torch.optim;
using MusicLM.Training;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Semantic;

/// <summary>
/// Trains a <see cref="MaskedPredictionModel"/> as HuBERT does (Hsu et al. 2021 §III-B, α = 1: the loss on masked
/// frames only): random crops of the clips, span masks (<see cref="SpanMask"/>), cross-entropy against each masked
/// frame's iteration-0 cluster, AdamW with linear warm-up, then a half-cosine decay, gradients clipped.
/// Crops and masks come from a <see cref="Random"/> seeded by the constructor's seed; the model has no dropout,
/// so a run of a given number of steps is deterministic. Steps run on the model's device: each batch of crops,
/// its targets and its mask are moved there (the clips may live anywhere).
/// </summary>
public sealed class MaskedPredictionTrainer : IDisposable
{
    private readonly AdamW optimizer;
    private readonly Random rng;

    public MaskedPredictionTrainer(MaskedPredictionModel model, int seed = 0)
    {
        Model = model;
        Config = model.Config;
        optimizer = new AdamW(model.parameters(), Config.LearningRate, 0.9, 0.98, weight_decay: Config.WeightDecay);  // β₂ 0.98: HuBERT / fairseq
        rng = new Random(seed);
    }

    public MaskedPredictionModel Model { get; }
    public MaskedPredictionConfig Config { get; }
    /// <summary>Steps taken so far.</summary>
    public int Step { get; private set; }

    /// <summary>
    /// Trains on <paramref name="frames"/> (each clip (T_i, F), standardised) against <paramref name="targets"/> (each
    /// (T_i) int64, the iteration-0 clusters) for <paramref name="steps"/> steps (default the config's), stopping
    /// early when the next step would likely end after <paramref name="budget"/>. Returns every step's figures.
    /// </summary>
    public IReadOnlyList<MaskedPredictionStep> Train(IReadOnlyList<Tensor> frames, IReadOnlyList<Tensor> targets, int? steps = null,
        TimeSpan? budget = null, IProgress<MaskedPredictionStep>? progress = null)
    {
        if (frames.Count == 0 || frames.Count != targets.Count) throw new ArgumentException($"give one target sequence per clip ({frames.Count} clips, {targets.Count} targets)");
        for (int i = 0; i < frames.Count; i++)
            if (frames[i].dim() != 2 || targets[i].dim() != 1 || frames[i].size(0) != targets[i].size(0) || frames[i].size(0) == 0)
                throw new ArgumentException($"clip {i}: frames must be (T, F) and targets (T) with T ≥ 1, got [{string.Join(", ", frames[i].shape)}] and [{string.Join(", ", targets[i].shape)}]");
        int total = steps ?? Config.Steps;
        // Crops of CropFrames from the clips that are long enough; if none is, crops as long as the shortest clip.
        var crop = Config.CropFrames;
        var eligible = Enumerable.Range(0, frames.Count).Where(i => frames[i].size(0) >= crop).ToList();
        if (eligible.Count == 0)
        {
            crop = (int)frames.Min(f => f.size(0));
            eligible = Enumerable.Range(0, frames.Count).ToList();
        }

        var history = new List<MaskedPredictionStep>();
        var watch = Stopwatch.StartNew();
        Model.train();
        for (int run = 0; run < total; run++)
        {
            // The first step always runs: the caller has already left this trainer a positive budget.
            if (run > 0 && TrainingBudget.NextStepWouldOverrun(watch.Elapsed, run, budget)) break;
            optimizer.lr = LearningRateAt(run, TrainingBudget.Fraction(run, total, watch.Elapsed, budget));
            var s = TrainStep(frames, targets, eligible, crop, watch.Elapsed);
            history.Add(s);
            progress?.Report(s);
        }
        Model.eval();
        return history;
    }

    /// <summary>Warm-up to the base rate over <see cref="MaskedPredictionConfig.WarmupSteps"/>, then a half cosine to the final fraction as <paramref name="fraction"/> goes 0 → 1.</summary>
    private double LearningRateAt(int step, double fraction)
    {
        var warm = Config.WarmupSteps == 0 ? 1.0 : Math.Min(1.0, (step + 1) / (double)Config.WarmupSteps);
        var f = Config.FinalLearningRateFraction;
        var decay = f + (1 - f) * 0.5 * (1 + Math.Cos(Math.PI * Math.Clamp(fraction, 0, 1)));
        return Config.LearningRate * Math.Min(warm, decay);
    }

    private MaskedPredictionStep TrainStep(IReadOnlyList<Tensor> frames, IReadOnlyList<Tensor> targets, List<int> eligible, int crop, TimeSpan elapsed)
    {
        using var scope = torch.NewDisposeScope();
        int B = Config.BatchSize;
        var xs = new List<Tensor>();
        var ys = new List<Tensor>();
        for (int b = 0; b < B; b++)
        {
            var i = eligible[rng.Next(eligible.Count)];
            var start = rng.Next((int)frames[i].size(0) - crop + 1);
            xs.Add(frames[i].narrow(0, start, crop));
            ys.Add(targets[i].narrow(0, start, crop));
        }
        var x = torch.stack(xs).to(Model.Device);                                  // (B, T, F)
        var y = torch.stack(ys).to(Model.Device);                                  // (B, T)
        var mask = Config.Mask.Sample(B, crop, rng).to(Model.Device);              // (B, T), drawn on the CPU by rng
        var masked = y.masked_fill(mask.logical_not(), -100);                      // only masked frames count

        optimizer.zero_grad();
        var logits = Model.forward(x, mask);                                       // (B, T, K)
        var loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), masked.reshape(-1));
        loss.backward();
        utils.clip_grad_norm_(Model.parameters(), Config.GradientClip);
        optimizer.step();
        Step++;

        using var _ = torch.no_grad();
        var hits = logits.argmax(-1).eq(y).logical_and(mask).sum().item();
        var n = mask.sum().item();
        return new MaskedPredictionStep(Step, elapsed, loss.item(), hits / n, n / (B * crop), optimizer.lr);
    }

    public void Dispose() => optimizer.Dispose();
}
