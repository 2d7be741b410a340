using System.IO.Compression;

namespace MusicLM.Torch.Serialization;

/// <summary>
/// Reads PyTorch checkpoints written by <c>torch.save</c> (the zip format of PyTorch 1.6 and later):
/// <c>&lt;name&gt;/data.pkl</c> holds the object tree as a pickle, <c>&lt;name&gt;/data/&lt;key&gt;</c> the raw
/// bytes of each storage. The pickle is read by a small whitelisting unpickler that runs no code,
/// so a hostile file can only fail, with a <see cref="CheckpointFormatException"/>.
/// <para>
/// Nested dicts are flattened with dots, as PyTorch names parameters: a checkpoint
/// <c>{"model": {"conv.weight": w}, "epoch": 3}</c> gives the key <c>model.conv.weight</c>; lists
/// and tuples contribute their index (<c>layers.0</c>). Values that are not tensors (numbers,
/// strings, None) are skipped. Pass <c>prefix: "model"</c> to get just that sub-dict with the
/// prefix removed (<c>conv.weight</c>), e.g. EnCodec's <c>best_state</c>.
/// </para>
/// </summary>
public static class TorchCheckpoint
{
    private const int MaxDepth = 64;

    /// <summary>
    /// The tensors of a <c>torch.save</c> file by dotted key (CPU, contiguous copies with PyTorch's
    /// values, storage offsets and strides applied). The caller owns and disposes them.
    /// </summary>
    /// <param name="path">A file written by <c>torch.save</c>.</param>
    /// <param name="prefix">Only keys under this dotted prefix, with the prefix removed; null for all.</param>
    public static Dictionary<string, Tensor> LoadStateDict(string path, string? prefix = null)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long fileLength = fs.Length;
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(fs, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or NotSupportedException or OverflowException)
        {
            throw new CheckpointFormatException(path, LegacyHint(fs) ?? $"not a zip archive as torch.save writes ({ex.Message})", ex);
        }

        using (zip)
        {
            try
            {
                return Read(path, zip, fileLength, prefix);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException or OverflowException or ArgumentException and not ArgumentNullException)
            {
                // The zip library reports corrupt entries (bad CRC, bad local headers) this way.
                throw new CheckpointFormatException(path, $"corrupt zip archive ({ex.Message})", ex);
            }
        }
    }

    private static Dictionary<string, Tensor> Read(string path, ZipArchive zip, long fileLength, string? prefix)
    {
        var entries = new Dictionary<string, ZipArchiveEntry>();
        ZipArchiveEntry? pkl = null;
        foreach (var e in zip.Entries)
        {
            entries.TryAdd(e.FullName, e);
            // The top folder is named after the file in PyTorch 1.x and "archive" in 2.x.
            if (e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length)
            {
                if (pkl != null) throw new CheckpointFormatException(path, $"two pickles in one archive ('{pkl.FullName}' and '{e.FullName}')");
                pkl = e;
            }
        }
        if (pkl == null) throw new CheckpointFormatException(path, "zip archive has no <name>/data.pkl; it was not written by torch.save");
        var root = pkl.FullName[..^"data.pkl".Length];

        if (entries.TryGetValue(root + "byteorder", out var bo))
        {
            var order = System.Text.Encoding.ASCII.GetString(ReadEntry(path, bo, 16, exact: false)).Trim();
            if (order != "little") throw new CheckpointFormatException(path, $"byteorder is '{order}'; only little-endian checkpoints are supported");
        }

        var pickle = ReadEntry(path, pkl, Math.Min(fileLength * 1100 + 1024, 1L << 30), exact: false);
        var tree = Unpickler.Load(pickle, path + "!" + pkl.FullName);

        var refs = new List<(string key, TensorRef t)>();
        if (tree is not PyDict top) throw new CheckpointFormatException(path, $"the pickled object is not a dict (a state dict or a checkpoint dict of state dicts)");
        // Memo references can share one container many times (a list holding the previous list twice,
        // 80 levels deep, is 2^80 paths in a few hundred bytes), so the walk has a budget of visits.
        long visits = pickle.LongLength + 1024;
        Flatten(path, top, "", refs, 0, ref visits);

        if (prefix != null)
        {
            var p = prefix.TrimEnd('.') + ".";
            var selected = refs.Where(r => r.key.StartsWith(p, StringComparison.Ordinal)).Select(r => (r.key[p.Length..], r.t)).ToList();
            if (selected.Count == 0)
            {
                var tops = refs.Select(r => r.key.Split('.')[0]).Distinct().Take(20);
                throw new KeyNotFoundException($"{path} has no tensors under '{prefix}'; top-level keys with tensors: [{string.Join(", ", tops)}]");
            }
            refs = selected;
        }

        var seen = new HashSet<string>();
        foreach (var (key, _) in refs)
            if (!seen.Add(key)) throw new CheckpointFormatException(path, $"two tensors flatten to the same key '{key}'");

        return Materialize(path, root, entries, refs, fileLength);
    }

    private static void Flatten(string path, object? node, string prefix, List<(string, TensorRef)> into, int depth, ref long visits)
    {
        if (--visits < 0) throw new CheckpointFormatException(path, "the pickled objects refer to shared containers so often that flattening them would not end");
        if (depth > MaxDepth) throw new CheckpointFormatException(path, $"objects nest deeper than {MaxDepth} levels (or refer to themselves) under '{prefix}'");
        switch (node)
        {
            case TensorRef t:
                into.Add((prefix, t));
                break;
            case PyDict d:
                foreach (var (k, v) in d.Items)
                {
                    var name = k switch
                    {
                        string s => s,
                        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => null,
                    };
                    if (name == null)
                    {
                        if (ContainsTensor(v, 0, ref visits)) throw new CheckpointFormatException(path, $"a dict under '{prefix}' holds tensors under a key that is not a string or integer");
                        continue;
                    }
                    Flatten(path, v, Join(prefix, name), into, depth + 1, ref visits);
                }
                break;
            case List<object?> l:
                for (int i = 0; i < l.Count; i++) Flatten(path, l[i], Join(prefix, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), into, depth + 1, ref visits);
                break;
            case object?[] tup:
                for (int i = 0; i < tup.Length; i++) Flatten(path, tup[i], Join(prefix, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), into, depth + 1, ref visits);
                break;
        }
    }

    private static bool ContainsTensor(object? node, int depth, ref long visits)
    {
        // Out of budget counts as "yes", so the caller refuses the file rather than walking on.
        if (--visits < 0 || depth > MaxDepth || node is TensorRef) return true;
        IEnumerable<object?> children = node switch
        {
            PyDict d => d.Items.Select(kv => kv.Value),
            List<object?> l => l,
            object?[] t => t,
            _ => Array.Empty<object?>(),
        };
        foreach (var c in children)
            if (ContainsTensor(c, depth + 1, ref visits)) return true;
        return false;
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : a + "." + b;

    private static Dictionary<string, Tensor> Materialize(string path, string root, Dictionary<string, ZipArchiveEntry> entries, List<(string key, TensorRef t)> refs, long fileLength)
    {
        var storages = new Dictionary<string, (StorageRef s, byte[] bytes)>();
        var built = new Dictionary<TensorRef, Tensor>(ReferenceEqualityComparer.Instance);
        var result = new Dictionary<string, Tensor>(refs.Count);
        // Views are copied, and copies of overlapping views cost memory the file does not hold: allow
        // at most twice what the file and its storages justify.
        long spent = 0, storageBytes = 0;
        try
        {
            foreach (var (key, r) in refs)
            {
                if (built.TryGetValue(r, out var same))
                {
                    result.Add(key, same.alias());
                    continue;
                }
                var s = r.Storage;
                if (!storages.TryGetValue(s.Key, out var st))
                {
                    if (!entries.TryGetValue(root + "data/" + s.Key, out var entry))
                        throw new CheckpointFormatException(path, $"tensor '{key}' needs storage '{s.Key}', which the archive does not contain");
                    long want = CheckedBytes(path, key, s.NumElements, s.DType);
                    if (entry.Length != want)
                        throw new CheckpointFormatException(path, $"storage '{s.Key}' holds {entry.Length} bytes but is declared as {s.NumElements} {s.DType.Name()} elements ({want} bytes)");
                    st = (s, ReadEntry(path, entry, want, exact: true));
                    storages.Add(s.Key, st);
                    storageBytes += want;
                }
                else if (st.s.DType != s.DType)
                    throw new CheckpointFormatException(path, $"storage '{s.Key}' is used as both {st.s.DType.Name()} and {s.DType.Name()}");

                long allowed = 2 * (fileLength + storageBytes) + (16 << 20);
                var t = Build(path, key, r, st.bytes, allowed - spent);
                spent += t.numel() * t.element_size();
                built.Add(r, t);
                result.Add(key, t);
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
    }

    private static long CheckedBytes(string path, string key, long numel, ScalarType t)
    {
        try { return checked(numel * t.ElementSize()); }
        catch (OverflowException) { throw new CheckpointFormatException(path, $"tensor '{key}': a storage of {numel} {t.Name()} elements overflows 64 bits"); }
    }

    private static Tensor Build(string path, string key, TensorRef r, byte[] storage, long budget)
    {
        var dtype = r.Storage.DType;
        int es = dtype.ElementSize();
        long storageNumel = storage.LongLength / es;
        var size = r.Size;
        var stride = r.Stride;
        string Where() => $"tensor '{key}' (size [{string.Join(", ", size)}], stride [{string.Join(", ", stride)}], offset {r.Offset})";

        if (r.Offset < 0) throw new CheckpointFormatException(path, $"{Where()} has a negative storage offset");
        long numel = 1;
        long last = r.Offset; // the largest element index the view touches
        try
        {
            for (int i = 0; i < size.Length; i++)
            {
                if (size[i] < 0) throw new CheckpointFormatException(path, $"{Where()} has a negative size");
                if (stride[i] < 0) throw new CheckpointFormatException(path, $"{Where()} has a negative stride");
                numel = checked(numel * size[i]);
            }
            if (numel > 0)
                for (int i = 0; i < size.Length; i++) last = checked(last + (size[i] - 1) * stride[i]);
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException(path, $"{Where()} overflows 64 bits");
        }
        if (numel == 0) return torch.from_bytes(ReadOnlySpan<byte>.Empty, dtype, size);
        if (last >= storageNumel)
            throw new CheckpointFormatException(path, $"{Where()} reaches element {last}, past the end of its storage of {storageNumel} elements");

        long bytes;
        try { bytes = checked(numel * es); }
        catch (OverflowException) { throw new CheckpointFormatException(path, $"{Where()} overflows 64 bits"); }
        if (bytes > budget || bytes > Array.MaxLength)
            throw new CheckpointFormatException(path, $"{Where()} needs {bytes} bytes, more than the file's {budget} remaining justify (views that repeat storage elements)");

        if (IsContiguous(size, stride))
            return torch.from_bytes(storage.AsSpan((int)(r.Offset * es), (int)bytes), dtype, size);

        // A view such as a transpose or a slice: gather its elements in row-major order.
        var dst = new byte[bytes];
        var idx = new long[size.Length];
        long src = r.Offset;
        for (long n = 0; n < numel; n++)
        {
            Buffer.BlockCopy(storage, (int)(src * es), dst, (int)(n * es), es);
            for (int d = size.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < size[d]) { src += stride[d]; break; }
                src -= (size[d] - 1) * stride[d];
                idx[d] = 0;
            }
        }
        return torch.from_bytes(dst, dtype, size);
    }

    private static bool IsContiguous(long[] size, long[] stride)
    {
        long expect = 1;
        for (int d = size.Length - 1; d >= 0; d--)
        {
            if (size[d] != 1 && stride[d] != expect) return false;
            expect *= size[d];
        }
        return true;
    }

    /// <summary>Reads an entry, never allocating more than <paramref name="limit"/> bytes or than the entry really holds.</summary>
    private static byte[] ReadEntry(string path, ZipArchiveEntry e, long limit, bool exact)
    {
        long declared = e.Length;
        // Deflate cannot expand data more than ~1032:1, so a larger declared size is a lie.
        if (declared > limit || declared > e.CompressedLength * 1100 + 1024 || declared > Array.MaxLength)
            throw new CheckpointFormatException(path, $"entry '{e.FullName}' declares {declared} bytes, more than its {e.CompressedLength} stored bytes or the limit of {limit} allow");
        var buf = new byte[declared];
        using var s = e.Open();
        int got = 0;
        while (got < buf.Length)
        {
            int k = s.Read(buf, got, buf.Length - got);
            if (k == 0) break;
            got += k;
        }
        if (got != declared || (exact && s.ReadByte() >= 0))
            throw new CheckpointFormatException(path, $"entry '{e.FullName}' holds a different number of bytes than its declared {declared}");
        return buf;
    }

    private static string? LegacyHint(FileStream fs)
    {
        // The pre-1.6 format starts with a pickled magic number (PROTO 2, LONG1 ...).
        try
        {
            fs.Position = 0;
            int a = fs.ReadByte(), b = fs.ReadByte();
            return a == 0x80 && b == 0x02 ? "this is the legacy (pre-1.6) torch.save format; re-save it with a newer PyTorch or torch.save(..., _use_new_zipfile_serialization=True)" : null;
        }
        catch (IOException) { return null; }
    }
}
