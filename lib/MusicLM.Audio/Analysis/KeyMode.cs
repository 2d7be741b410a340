namespace MusicLM.Audio.Analysis;

/// <summary>Major or minor.</summary>
public enum KeyMode { Major, Minor }
