using System.Text.Json.Serialization;
using MusicLM.Torch;

namespace MusicLM.Stages;

/// <summary>
/// How a stage is trained (one trainer for all three): AdamW with linear warm-up and a half-cosine decay, gradient
/// clipping, classifier-free-guidance dropout of the conditioning, held-out scoring, checkpoints and a CSV log.
/// What tends to work at small scale (../lib/README.md): lr 1e-4–3e-4 for big models with warm-up and clipping;
/// the course's 3 M-parameter stages take 1e-3.
/// </summary>
public sealed record StageTrainerConfig
{
    /// <summary>Windows per step.</summary>
    public int BatchSize { get; init; } = 16;
    public double LearningRate { get; init; } = 1e-3;
    public int WarmupSteps { get; init; } = 50;
    /// <summary>The learning rate decays by a half cosine to this fraction of <see cref="LearningRate"/>.</summary>
    public double FinalLearningRateFraction { get; init; } = 0.1;
    /// <summary>
    /// The cosine's length in steps. 0: each Train call anneals over its own steps (or its time budget); set it for
    /// a schedule that survives a resume unchanged.
    /// </summary>
    public int TotalSteps { get; init; }
    public double WeightDecay { get; init; } = 0.1;
    public double GradientClipNorm { get; init; } = 1.0;
    /// <summary>Probability that a training window's conditioning is replaced by the learned null (classifier-free guidance).</summary>
    public double ConditionDropout { get; init; } = 0.1;
    /// <summary>
    /// Fraction of the target stream's <em>input</em> tokens replaced by a random legal token of their level during
    /// training (the targets stay): the model cannot lean on the tokens it generated alone and has to read its
    /// conditioning (semantic tokens for the coarse stage) too, as it must when sampling from its own output.
    /// 0 (default): teacher forcing.
    /// </summary>
    public double InputNoise { get; init; }
    public int Seed { get; init; }
    /// <summary>Score the held-out windows every this many steps (0: never), and after the last step.</summary>
    public int EvalEvery { get; init; } = 50;
    /// <summary>Held-out windows scored (fixed starts, spread over the validation clips).</summary>
    public int EvalWindows { get; init; } = 64;
    public string? CheckpointPath { get; init; }
    public int CheckpointEvery { get; init; } = 200;
    /// <summary>A CSV file that gets one line per step (appended across resumes).</summary>
    public string? LogPath { get; init; }
    /// <summary>Where to train (not saved with a checkpoint).</summary>
    [JsonIgnore] public Device? Device { get; init; }
    /// <summary>Show a progress bar with the loss and accuracy (in a notebook; console text elsewhere); the kernel's interrupt stops training there.</summary>
    public bool ShowProgress { get; init; }

    public void Validate()
    {
        if (InputNoise is < 0 or >= 1) throw new ArgumentException($"InputNoise must be in [0, 1), got {InputNoise}");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be positive, got {BatchSize}");
        if (LearningRate <= 0) throw new ArgumentException($"LearningRate must be positive, got {LearningRate}");
        if (WarmupSteps < 0 || TotalSteps < 0 || EvalEvery < 0 || EvalWindows < 1 || CheckpointEvery < 0)
            throw new ArgumentException("WarmupSteps, TotalSteps, EvalEvery and CheckpointEvery must be ≥ 0 and EvalWindows ≥ 1");
        if (FinalLearningRateFraction is < 0 or > 1) throw new ArgumentException($"FinalLearningRateFraction must be in [0, 1], got {FinalLearningRateFraction}");
        if (ConditionDropout is < 0 or > 1) throw new ArgumentException($"ConditionDropout must be in [0, 1], got {ConditionDropout}");
        if (GradientClipNorm <= 0) throw new ArgumentException($"GradientClipNorm must be positive, got {GradientClipNorm}");
    }
}
