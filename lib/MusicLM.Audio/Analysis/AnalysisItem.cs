namespace MusicLM.Audio.Analysis;

/// <summary>One clip with its true tempo and key, for <see cref="AnalysisEvaluation"/>. <paramref name="Key"/> is a tonic name such as "F#".</summary>
public sealed record AnalysisItem(string Name, AudioClip Clip, double TempoBpm, string Key, KeyMode Mode);
