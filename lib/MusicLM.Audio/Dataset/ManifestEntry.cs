using System.Text.Json.Serialization;

namespace MusicLM.Audio.Dataset;

/// <summary>
/// One line of a <c>manifest.jsonl</c>: a clip, its caption and split. Real datasets fill the first block;
/// the synthetic generator also writes its ground truth (the nullable fields, omitted when absent).
/// </summary>
public sealed record ManifestEntry
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    /// <summary>Audio path relative to the manifest's folder.</summary>
    [JsonPropertyName("audio")] public required string Audio { get; init; }
    [JsonPropertyName("caption")] public required string Caption { get; init; }
    /// <summary>"train", "valid" or "test".</summary>
    [JsonPropertyName("split")] public required string Split { get; init; }
    [JsonPropertyName("duration_s")] public double DurationS { get; init; }
    [JsonPropertyName("sample_rate")] public int SampleRate { get; init; }
    /// <summary>"synthetic" or the name of the real dataset.</summary>
    [JsonPropertyName("source")] public required string Source { get; init; }

    [JsonPropertyName("instruments")] public IReadOnlyList<string>? Instruments { get; init; }
    [JsonPropertyName("tempo_bpm")] public double? TempoBpm { get; init; }
    /// <summary>Tonic pitch class with sharps (C, C#, …, B).</summary>
    [JsonPropertyName("key")] public string? Key { get; init; }
    [JsonPropertyName("mode")] public string? Mode { get; init; }
    [JsonPropertyName("meter")] public string? Meter { get; init; }
    [JsonPropertyName("style")] public string? Style { get; init; }
    [JsonPropertyName("mood")] public IReadOnlyList<string>? Mood { get; init; }
    [JsonPropertyName("seed")] public long? Seed { get; init; }
    /// <summary>Note-event sidecar path relative to the manifest's folder.</summary>
    [JsonPropertyName("notes")] public string? Notes { get; init; }
}
