using System.Text;
using System.Text.Json;
using MusicLM.Audio.Synthesis;

namespace MusicLM.Audio.Dataset;

/// <summary>The <c>&lt;id&gt;.notes.json</c> beside a synthetic clip: its note events (one per line inside a JSON object, so diffs and <c>head</c> stay readable).</summary>
public static class NoteSidecar
{
    /// <summary>Writes the sidecar atomically; <paramref name="seed"/> and <paramref name="sampleRate"/> let a re-run tell whether the clip beside it is the one it would generate.</summary>
    public static void Write(string path, string id, long seed, int sampleRate, int tempoBpm, IReadOnlyList<NoteEvent> notes)
    {
        var sb = new StringBuilder();
        sb.Append("{\"id\":").Append(JsonSerializer.Serialize(id)).Append(",\"seed\":").Append(seed).Append(",\"sample_rate\":").Append(sampleRate).Append(",\"tempo_bpm\":").Append(tempoBpm).Append(",\"notes\":[\n");
        for (int i = 0; i < notes.Count; i++)
            sb.Append(JsonSerializer.Serialize(notes[i], Manifest.Json)).Append(i + 1 < notes.Count ? ",\n" : "\n");
        sb.Append("]}\n");
        var full = Path.GetFullPath(path);
        var tmp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(tmp, sb.ToString(), new UTF8Encoding(false));
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>True when the sidecar exists, parses, and was written for this clip seed and sample rate.</summary>
    public static bool Matches(string path, long seed, int sampleRate)
    {
        try
        {
            if (!File.Exists(path)) return false;
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var r = doc.RootElement;
            return r.TryGetProperty("seed", out var s) && s.GetInt64() == seed
                && r.TryGetProperty("sample_rate", out var sr) && sr.GetInt32() == sampleRate
                && r.TryGetProperty("notes", out var n) && n.ValueKind == JsonValueKind.Array;
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    public static List<NoteEvent> Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        if (!doc.RootElement.TryGetProperty("notes", out var notes)) throw new InvalidDataException($"{path}: no \"notes\" array");
        return notes.Deserialize<List<NoteEvent>>(Manifest.Json) ?? [];
    }
}
