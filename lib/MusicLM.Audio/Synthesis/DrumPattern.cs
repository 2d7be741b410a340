namespace MusicLM.Audio.Synthesis;

/// <summary>
/// One bar of drums as step strings (one character per step: 'x' accent, 'o' normal, 'g' ghost, '.' rest),
/// <see cref="StepsPerBeat"/> steps per beat (4 = sixteenths; 3 = swung/triplet grid).
/// </summary>
public sealed record DrumPattern(int StepsPerBeat, string Kick, string Snare, string ClosedHat, string OpenHat)
{
    /// <summary>Beats per bar implied by the strings.</summary>
    public int BeatsPerBar => Kick.Length / StepsPerBeat;

    public IEnumerable<(int Pitch, string Steps)> Lines =>
        [(InstrumentNames.Kick, Kick), (InstrumentNames.Snare, Snare), (InstrumentNames.ClosedHat, ClosedHat), (InstrumentNames.OpenHat, OpenHat)];
}
