namespace MusicLM.MuLan;

/// <summary>
/// One step's figures: the contrastive loss and its chance level ln B, the temperature τ, the learning rate, the
/// gradient norm before clipping, the mean positives per caption, and — on evaluation steps, else NaN — held-out
/// text→audio recall@1 and @5 over the validation examples.
/// </summary>
public sealed record MuLanTrainingStep(
    long Step,
    TimeSpan Elapsed,
    double Loss,
    double ChanceLoss,
    double Temperature,
    double LearningRate,
    double GradientNorm,
    double PositivesPerCaption,
    double HeldOutRecallAt1,
    double HeldOutRecallAt5)
{
    public const string CsvHeader = "step,time_s,loss,chance_loss,temperature,lr,grad_norm,positives,heldout_r1,heldout_r5";

    public string ToCsv() => string.Join(',', new[]
    {
        Step.ToString(System.Globalization.CultureInfo.InvariantCulture), F(Elapsed.TotalSeconds), F(Loss), F(ChanceLoss), F(Temperature),
        F(LearningRate), F(GradientNorm), F(PositivesPerCaption), F(HeldOutRecallAt1), F(HeldOutRecallAt5),
    });

    private static string F(double v) => double.IsNaN(v) ? "" : v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
