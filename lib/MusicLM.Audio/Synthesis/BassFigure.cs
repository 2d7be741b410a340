namespace MusicLM.Audio.Synthesis;

/// <summary>How the bass outlines the chord roots.</summary>
public enum BassFigure
{
    /// <summary>The root held for the bar.</summary>
    Sustain,
    /// <summary>Root on the downbeat, fifth halfway (or on alternate bars in 3/4).</summary>
    RootFifth,
    /// <summary>Driving eighth-note roots with a passing tone into the next chord.</summary>
    Eighths,
    /// <summary>Quarter-note walking line: root, chord tones, a step into the next root.</summary>
    Walking,
    /// <summary>Off-beat eighths (techno).</summary>
    Offbeat,
    /// <summary>Syncopated root–fifth with a passing tone (lo-fi hip hop).</summary>
    Syncopated,
}
