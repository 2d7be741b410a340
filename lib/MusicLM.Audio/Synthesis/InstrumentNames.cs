namespace MusicLM.Audio.Synthesis;

/// <summary>Stable string ids of <see cref="Instrument"/> (what manifests, captions checks and note sidecars use).</summary>
public static class InstrumentNames
{
    private static readonly string[] Ids = ["piano", "guitar", "organ", "strings", "bass", "bells", "synth_lead", "flute", "drums"];

    public static string Id(this Instrument instrument) => Ids[(int)instrument];

    public static Instrument Parse(string id)
    {
        int i = Array.IndexOf(Ids, id);
        if (i < 0) throw new ArgumentException($"unknown instrument '{id}' (known: {string.Join(", ", Ids)})", nameof(id));
        return (Instrument)i;
    }

    /// <summary>General MIDI drum pitches used in note events of the drum part.</summary>
    public const int Kick = 36, Snare = 38, ClosedHat = 42, OpenHat = 46;
}
