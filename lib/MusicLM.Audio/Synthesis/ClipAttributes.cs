using System.Text.Json.Serialization;

namespace MusicLM.Audio.Synthesis;

/// <summary>Ground truth of a synthetic clip: what the caption may mention and what evaluation can measure.</summary>
public sealed record ClipAttributes(
    [property: JsonPropertyName("instruments")] IReadOnlyList<string> Instruments,
    [property: JsonPropertyName("tempo_bpm")] int TempoBpm,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("meter")] string Meter,
    [property: JsonPropertyName("style")] string Style,
    [property: JsonPropertyName("mood")] IReadOnlyList<string> Mood);
