using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MusicLM.Torch.Serialization;

/// <summary>
/// Hugging Face's safetensors format (https://huggingface.co/docs/safetensors): an 8-byte
/// little-endian header length N, N bytes of UTF-8 JSON
/// <c>{"__metadata__": {..}, name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}}</c>
/// padded with spaces to a multiple of 8, then the tensors' row-major little-endian bytes, packed
/// without gaps. Files written here are byte-identical to the Python library's; files read here are
/// checked against the file length before anything is allocated, so a hostile file costs at most
/// its own size in memory and fails with <see cref="CheckpointFormatException"/>.
/// </summary>
public static class Safetensors
{
    /// <summary>The Python library's limit on the JSON header (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    // The dtypes, with their rank in the Rust library's `Dtype` enum: files are laid out by
    // descending rank (so wider types come first and every tensor stays aligned), then by name.
    private static readonly (string name, ScalarType type, int rank)[] DTypes =
    {
        ("BOOL", ScalarType.Bool, 0),
        ("U8", ScalarType.UInt8, 1),
        ("I8", ScalarType.Int8, 2),
        ("I16", ScalarType.Int16, 5),
        ("F16", ScalarType.Float16, 7),
        ("BF16", ScalarType.BFloat16, 8),
        ("I32", ScalarType.Int32, 9),
        ("F32", ScalarType.Float32, 11),
        ("F64", ScalarType.Float64, 12),
        ("I64", ScalarType.Int64, 13),
    };

    /// <summary>The safetensors name of a dtype (F32, BF16, I64, BOOL, ...).</summary>
    public static string DTypeName(ScalarType t)
    {
        foreach (var d in DTypes)
            if (d.type == t) return d.name;
        throw new NotSupportedException($"safetensors has no dtype for {t.Name()}; supported: {string.Join(", ", DTypes.Select(d => d.name))}");
    }

    private static bool TryParseDType(string name, out ScalarType type)
    {
        foreach (var d in DTypes)
            if (d.name == name) { type = d.type; return true; }
        type = default;
        return false;
    }

    private static int Rank(ScalarType t) => DTypes.First(d => d.type == t).rank;

    // ---- writing ----

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device, any layout) and optional string metadata to
    /// <paramref name="path"/> atomically: on any error the previous file is left as it was.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        AtomicFile.Write(path, s => Write(s, tensors, metadata));
    }

    /// <summary>Writes the safetensors bytes to a stream (one tensor in memory at a time).</summary>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = new List<(string name, byte[] utf8, Tensor t, ScalarType type, long[] shape, long bytes)>();
        foreach (var (name, t) in tensors)
        {
            if (name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved by the format and cannot name a tensor", nameof(tensors));
            ArgumentNullException.ThrowIfNull(t, $"tensors[\"{name}\"]");
            var type = t.dtype;
            DTypeName(type); // throws for unsupported dtypes
            items.Add((name, Encoding.UTF8.GetBytes(name), t, type, t.shape, t.numel() * type.ElementSize()));
        }
        items.Sort((a, b) =>
        {
            int c = Rank(b.type).CompareTo(Rank(a.type));
            return c != 0 ? c : a.utf8.AsSpan().SequenceCompareTo(b.utf8);
        });

        var header = new MemoryStream();
        using (var w = new Utf8JsonWriter(header, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata != null)
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var it in items)
            {
                w.WriteStartObject(it.name);
                w.WriteString("dtype", DTypeName(it.type));
                w.WriteStartArray("shape");
                foreach (var s in it.shape) w.WriteNumberValue(s);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + it.bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += it.bytes;
            }
            w.WriteEndObject();
        }
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        Span<byte> n = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(n, (ulong)header.Length);
        stream.Write(n);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var it in items)
        {
            var bytes = it.t.ToBytes();
            if (bytes.LongLength != it.bytes) throw new InvalidOperationException($"tensor '{it.name}' changed while it was being saved");
            stream.Write(bytes);
        }
    }

    // ---- reading ----

    /// <summary>Reads and validates only the header: names, dtypes, shapes and offsets, no tensor data.</summary>
    public static SafetensorsHeader ReadHeader(string path)
    {
        using var fs = OpenRead(path);
        return ReadHeader(fs, path);
    }

    /// <summary>Reads every tensor (to CPU) and the metadata. Dispose the result to free the tensors.</summary>
    public static SafetensorsFile Load(string path)
    {
        using var fs = OpenRead(path);
        var header = ReadHeader(fs, path);
        var tensors = new Dictionary<string, Tensor>(header.Entries.Count);
        try
        {
            foreach (var e in header.Entries)
            {
                var bytes = new byte[e.ByteLength];
                fs.Position = header.DataStart + e.Begin;
                try { fs.ReadExactly(bytes); }
                catch (EndOfStreamException ex) { throw new CheckpointFormatException(path, $"file ended inside the data of tensor '{e.Name}'", ex); }
                tensors.Add(e.Name, torch.from_bytes(bytes, e.DType, e.Shape));
            }
            return new SafetensorsFile(tensors, header.Metadata);
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>Reads one tensor by name without loading the others.</summary>
    public static Tensor LoadTensor(string path, string name)
    {
        using var fs = OpenRead(path);
        var header = ReadHeader(fs, path);
        var e = header.Find(name) ?? throw new KeyNotFoundException($"{path} has no tensor '{name}'");
        var bytes = new byte[e.ByteLength];
        fs.Position = header.DataStart + e.Begin;
        try { fs.ReadExactly(bytes); }
        catch (EndOfStreamException ex) { throw new CheckpointFormatException(path, $"file ended inside the data of tensor '{e.Name}'", ex); }
        return torch.from_bytes(bytes, e.DType, e.Shape);
    }

    private static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);

    private static SafetensorsHeader ReadHeader(FileStream fs, string path)
    {
        long fileLength = fs.Length;
        if (fileLength < 8) throw Bad(path, $"file is {fileLength} bytes, shorter than the 8-byte header length");
        Span<byte> nb = stackalloc byte[8];
        fs.Position = 0;
        fs.ReadExactly(nb);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(nb);
        if (n > MaxHeaderBytes) throw Bad(path, $"header length {n} exceeds the format's limit of {MaxHeaderBytes} bytes");
        if ((long)n > fileLength - 8) throw Bad(path, $"header length {n} exceeds file size {fileLength}");
        var json = new byte[n];
        fs.ReadExactly(json);
        long dataStart = 8 + (long)n;
        long dataLength = fileLength - dataStart;

        // JsonDocument only checks UTF-8 inside strings when they are read, so check it all first.
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw Bad(path, "header is not valid UTF-8");
        JsonDocument doc;
        try
        {
            // The header may end in padding spaces, which JSON allows.
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw Bad(path, $"header is not valid JSON ({ex.Message})", ex);
        }
        catch (ArgumentException ex)
        {
            throw Bad(path, $"header is not valid UTF-8 JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad(path, $"header is a JSON {root.ValueKind}, not an object");
            Dictionary<string, string>? metadata = null;
            var entries = new List<SafetensorsEntry>();
            var seen = new HashSet<string>();
            foreach (var p in root.EnumerateObject())
            {
                if (!seen.Add(p.Name)) throw Bad(path, $"header names '{p.Name}' twice");
                if (p.Name == "__metadata__")
                {
                    metadata = ParseMetadata(path, p.Value);
                    continue;
                }
                entries.Add(ParseEntry(path, p.Name, p.Value, dataLength));
            }

            // The Python library requires the tensors to tile the data region exactly, in offset
            // order: no overlap (two tensors aliasing bytes), no gap, nothing after the last one.
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            long expect = 0;
            foreach (var e in entries)
            {
                if (e.Begin < expect) throw Bad(path, $"tensor '{e.Name}' at [{e.Begin}, {e.End}) overlaps the previous tensor, which ends at {expect}");
                if (e.Begin > expect) throw Bad(path, $"tensor '{e.Name}' starts at {e.Begin}, leaving a gap after {expect}");
                expect = e.End;
            }
            if (expect != dataLength) throw Bad(path, $"tensors cover {expect} data bytes but the file has {dataLength} after the header");
            return new SafetensorsHeader(entries, metadata, dataStart);
        }
    }

    private static Dictionary<string, string> ParseMetadata(string path, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Object) throw Bad(path, $"__metadata__ is a JSON {v.ValueKind}, not an object of strings");
        var m = new Dictionary<string, string>();
        foreach (var p in v.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) throw Bad(path, $"__metadata__ value '{p.Name}' is a JSON {p.Value.ValueKind}, not a string");
            if (!m.TryAdd(p.Name, p.Value.GetString()!)) throw Bad(path, $"__metadata__ names '{p.Name}' twice");
        }
        return m;
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonElement v, long dataLength)
    {
        if (v.ValueKind != JsonValueKind.Object) throw Bad(path, $"tensor '{name}' is a JSON {v.ValueKind}, not an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw Bad(path, $"tensor '{name}' has no string \"dtype\"");
        var dname = dt.GetString()!;
        if (!TryParseDType(dname, out var type))
            throw Bad(path, $"tensor '{name}' has unsupported dtype '{Truncate(dname)}' (supported: {string.Join(", ", DTypes.Select(d => d.name))})");

        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"tensor '{name}' has no \"shape\" array");
        var shape = new long[sh.GetArrayLength()];
        int i = 0;
        ulong numel = 1;
        bool overflow = false;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var s) || s < 0)
                throw Bad(path, $"tensor '{name}' has shape entry {Truncate(d.GetRawText())}, not a non-negative integer");
            shape[i++] = s;
            if (!overflow)
            {
                try { numel = checked(numel * (ulong)s); }
                catch (OverflowException) { overflow = true; }
            }
        }
        if (numel == 0) overflow = false; // a zero dimension makes the tensor empty whatever the others say

        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad(path, $"tensor '{name}' has no \"data_offsets\" pair");
        var o = new long[2];
        i = 0;
        foreach (var d in off.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var x) || x < 0)
                throw Bad(path, $"tensor '{name}' has data offset {Truncate(d.GetRawText())}, not a non-negative integer");
            o[i++] = x;
        }
        long begin = o[0], end = o[1];
        if (end < begin) throw Bad(path, $"tensor '{name}' has data_offsets [{begin}, {end}] that end before they begin");
        if (end > dataLength) throw Bad(path, $"tensor '{name}' has data_offsets [{begin}, {end}] past the end of the data region ({dataLength} bytes)");

        ulong nbytes = 0;
        if (!overflow)
        {
            try { nbytes = checked(numel * (ulong)type.ElementSize()); }
            catch (OverflowException) { overflow = true; }
        }
        if (overflow) throw Bad(path, $"tensor '{name}' has shape [{string.Join(", ", shape)}] whose byte size overflows 64 bits");
        if (nbytes != (ulong)(end - begin))
            throw Bad(path, $"tensor '{name}' is {dname} [{string.Join(", ", shape)}] = {nbytes} bytes, but data_offsets [{begin}, {end}] hold {end - begin}");
        return new SafetensorsEntry(name, type, shape, begin, end);
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";

    private static CheckpointFormatException Bad(string path, string problem, Exception? inner = null) =>
        inner == null ? new CheckpointFormatException(path, problem) : new CheckpointFormatException(path, problem, inner);
}
