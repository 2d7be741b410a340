namespace MusicLM.Evaluation;

/// <summary>
/// How much a token sequence says about a label sequence: normalised mutual information, the same measure on
/// shuffled tokens (the chance level: NMI is biased upwards when either side has many values), and the raw figures
/// in bits.
/// </summary>
public sealed record InformationScore(double Nmi, double ChanceNmi, double MutualInformationBits, double LabelEntropyBits, double TokenEntropyBits, int Frames)
{
    /// <summary>NMI above its chance level.</summary>
    public double NmiAboveChance => Nmi - ChanceNmi;
}
