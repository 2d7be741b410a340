namespace MusicLM.Audio.Analysis;

/// <summary>
/// Published key profiles: the typical weight of each of the 12 pitch classes above the tonic in
/// a major and a minor key. Correlating a clip's chroma with the 24 rotations of a profile is the
/// Krumhansl–Schmuckler key-finding algorithm.
/// </summary>
public enum KeyProfile
{
    /// <summary>Krumhansl &amp; Kessler (1982), probe-tone ratings.</summary>
    KrumhanslKessler,
    /// <summary>Temperley (1999), from the Kostka–Payne harmony textbook.</summary>
    Temperley,
    /// <summary>Albrecht &amp; Shanahan (2013), pitch-class durations in a corpus of classical pieces.</summary>
    AlbrechtShanahan,
}
