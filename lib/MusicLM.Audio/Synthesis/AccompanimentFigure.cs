namespace MusicLM.Audio.Synthesis;

/// <summary>How the chord instrument voices each bar's chord.</summary>
public enum AccompanimentFigure
{
    /// <summary>One held chord per bar.</summary>
    Sustain,
    /// <summary>A chord on every beat, detached.</summary>
    Block,
    /// <summary>Broken chords in eighth notes.</summary>
    Arpeggio,
    /// <summary>Strummed chords (strings sound a few milliseconds apart), down and up strokes.</summary>
    Strum,
    /// <summary>Waltz "oom-pah-pah": bass on 1, chords on 2 and 3.</summary>
    OomPah,
    /// <summary>Jazz comping: short syncopated chords.</summary>
    Comp,
    /// <summary>Off-beat stabs (techno, lo-fi).</summary>
    Stabs,
}
