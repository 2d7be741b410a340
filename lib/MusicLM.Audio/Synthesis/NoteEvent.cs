using System.Text.Json.Serialization;

namespace MusicLM.Audio.Synthesis;

/// <summary>
/// One note as it was played (after swing and humanising): onset and gate length in seconds, MIDI pitch
/// (General MIDI drum numbers for drums), MIDI velocity 1–127, the instrument id and the part
/// ("melody", "chords", "pad", "bass", "drums").
/// </summary>
public sealed record NoteEvent(
    [property: JsonPropertyName("onset_s")] double OnsetS,
    [property: JsonPropertyName("duration_s")] double DurationS,
    [property: JsonPropertyName("pitch")] int Pitch,
    [property: JsonPropertyName("velocity")] int Velocity,
    [property: JsonPropertyName("instrument")] string Instrument,
    [property: JsonPropertyName("part")] string Part);
