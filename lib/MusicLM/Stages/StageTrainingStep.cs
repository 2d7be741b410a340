namespace MusicLM.Stages;

/// <summary>
/// One training step of a stage: cross-entropy in nats per target token and next-token accuracy on the batch, and —
/// on scoring steps — on the held-out windows (NaN otherwise).
/// </summary>
public sealed record StageTrainingStep(long Step, TimeSpan Elapsed, double Loss, double Accuracy, double LearningRate, double GradientNorm,
                                       double HeldOutLoss, double HeldOutAccuracy)
{
    public bool HasHeldOut => !double.IsNaN(HeldOutLoss);

    public const string CsvHeader = "step,elapsed_s,loss,accuracy,learning_rate,grad_norm,heldout_loss,heldout_accuracy";

    public string ToCsv() => FormattableString.Invariant(
        $"{Step},{Elapsed.TotalSeconds:F3},{Loss:G6},{Accuracy:G6},{LearningRate:G6},{GradientNorm:G6},{(HasHeldOut ? HeldOutLoss.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : "")},{(HasHeldOut ? HeldOutAccuracy.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : "")}");
}
