namespace MusicLM.Codec.Training;

/// <summary>
/// One training step's figures: losses of the codec (L1, multi-scale mel, generator hinge, feature matching,
/// commitment) and of the discriminator (NaN while it has not joined or was not updated), the quantizer levels
/// used (random under quantizer dropout), their bitrate, code usage (perplexity, mean over levels) and the codec's
/// learning rate in this step.
/// </summary>
public sealed record CodecTrainingStep(
    long Step,
    TimeSpan Elapsed,
    double L1,
    double Mel,
    double Adversarial,
    double FeatureMatching,
    double Commitment,
    double Discriminator,
    int Levels,
    double BitrateBps,
    double Perplexity,
    double LearningRate)
{
    /// <summary>The CSV header matching <see cref="ToCsv"/>.</summary>
    public const string CsvHeader = "step,time_s,l1,mel,adv,feat,commit,disc,levels,bitrate_bps,perplexity,lr";

    public string ToCsv() => string.Join(',', new[]
    {
        Step.ToString(System.Globalization.CultureInfo.InvariantCulture), F(Elapsed.TotalSeconds), F(L1), F(Mel), F(Adversarial), F(FeatureMatching),
        F(Commitment), F(Discriminator), Levels.ToString(System.Globalization.CultureInfo.InvariantCulture), F(BitrateBps), F(Perplexity), F(LearningRate),
    });

    private static string F(double v) => double.IsNaN(v) ? "" : v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
