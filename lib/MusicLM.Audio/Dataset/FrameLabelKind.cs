namespace MusicLM.Audio.Dataset;

/// <summary>What a <see cref="FrameLabels"/> row says about a frame of a synthetic clip.</summary>
public enum FrameLabelKind
{
    /// <summary>Pitch class 0–11 of the bar's chord root (12: no chord in that bar).</summary>
    ChordRoot,
    /// <summary>The pitch classes sounding (every pitched part), as a 12-bit mask (bit p: pitch class p; 0: none).</summary>
    PitchClasses,
    /// <summary>Where in the beat the frame falls, in equal bins (0: on the beat).</summary>
    BeatPhase,
    /// <summary>The instruments sounding, as a bit mask over <see cref="Synthesis.Instrument"/> (drums included).</summary>
    Instruments,
    /// <summary>The clip's style (index into <see cref="Synthesis.MusicStyle.All"/>), the same for every frame.</summary>
    Style,
}
