namespace MusicLM.Codec.Training;

/// <summary>
/// Reconstruction quality of a codec on some clips, at <see cref="Levels"/> quantizer levels: the multi-scale mel
/// distance (the training loss ℓ_f, lower is better), the time-domain L1 and SI-SNR in dB (higher is better).
/// </summary>
public sealed record CodecEvaluation(int Levels, double BitrateBps, double MelDistance, double L1, double SiSnrDb);
