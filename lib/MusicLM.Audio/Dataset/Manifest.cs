using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MusicLM.Audio.Dataset;

/// <summary>JSON Lines manifests (DESIGN D5): one <see cref="ManifestEntry"/> per line, readable by any tool.</summary>
public static class Manifest
{
    /// <summary>Compact, UTF-8 without escaping non-ASCII, absent fields omitted.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static List<ManifestEntry> Read(string path)
    {
        var entries = new List<ManifestEntry>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                entries.Add(JsonSerializer.Deserialize<ManifestEntry>(line, Json) ?? throw new JsonException("null entry"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{lineNo}: not a manifest entry ({e.Message})", e);
            }
        }
        return entries;
    }

    /// <summary>Writes all entries atomically (a temporary file renamed over the target).</summary>
    public static void Write(string path, IEnumerable<ManifestEntry> entries)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false)))
            {
                w.NewLine = "\n";
                foreach (var e in entries) w.WriteLine(JsonSerializer.Serialize(e, Json));
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
