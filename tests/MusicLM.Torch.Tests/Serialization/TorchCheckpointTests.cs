using System.IO.Compression;
using System.Text;
using System.Text.Json;
using MusicLM.Torch.Serialization;

namespace MusicLM.Torch.Tests.Serialization;

/// <summary>Files made once by python3-torch for all the tests below: torch.save outputs and their expected values.</summary>
public sealed class TorchSaveFiles : IDisposable
{
    private const string Script = """
import collections, json, sys, torch
out_dir = sys.argv[1]
torch.manual_seed(0)
a = torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.5
sd = collections.OrderedDict()
sd["w64"] = torch.arange(6, dtype=torch.float64).reshape(2, 3) / 3
sd["half"] = torch.tensor([1.5, -2.25, 65504.0], dtype=torch.float16)
sd["bf"] = torch.tensor([3.0, -0.125], dtype=torch.bfloat16)
sd["i64"] = torch.tensor([-2**62, 7, 2**40])
sd["i32"] = torch.tensor([[1, -2], [3, -4]], dtype=torch.int32)
sd["i16"] = torch.tensor([-300, 300], dtype=torch.int16)
sd["i8"] = torch.tensor([-128, 127], dtype=torch.int8)
sd["u8"] = torch.tensor([0, 255], dtype=torch.uint8)
sd["mask"] = torch.tensor([True, False, True])
sd["transposed"] = a.t()
sd["view"] = a.view(-1)[2:7]
sd["row"] = a[1]
sd["column"] = a[:, 1]
sd["scalar"] = torch.tensor(7.25)
sd["empty"] = torch.zeros(0, 3)
sd["param"] = torch.nn.Parameter(torch.randn(2, 2))
lin = torch.nn.Linear(3, 2)
ckpt = {"model": lin.state_dict(), "extra": sd, "epoch": 3, "name": "run-1", "lr": 1e-3, "nothing": None, "blob": b"\x00\xffabc", "flags": (True, False), "big": 2**70,
        "layers": [torch.tensor([1, 2]), 5, {"deep": torch.tensor([[9.0]])}]}
torch.save(ckpt, out_dir + "/ckpt.pt")
torch.save(lin.state_dict(), out_dir + "/plain.pt")
torch.save(lin.state_dict(), out_dir + "/legacy.pt", _use_new_zipfile_serialization=False)

def flat(node, prefix, into):
    if isinstance(node, torch.Tensor):
        into[prefix] = node
    elif isinstance(node, dict):
        for k, v in node.items():
            flat(v, prefix + "." + str(k) if prefix else str(k), into)
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            flat(v, prefix + "." + str(i) if prefix else str(i), into)
    return into

def describe(t):
    t = t.detach()
    vals = t.double().flatten().tolist() if t.dtype.is_floating_point else t.long().flatten().tolist()
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "values": vals}

print(json.dumps({k: describe(v) for k, v in flat(ckpt, "", {}).items()}))
""";

    public TorchSaveFiles()
    {
        Expected = JsonDocument.Parse(PythonRef.Run(Script, Dir.Path));
    }

    internal TempDir Dir { get; } = new();

    /// <summary>Every tensor of ckpt.pt by dotted key, as python flattened and described it.</summary>
    public JsonDocument Expected { get; }

    public string Ckpt => Dir.File("ckpt.pt");
    public string Plain => Dir.File("plain.pt");
    public string Legacy => Dir.File("legacy.pt");

    public void Dispose()
    {
        Expected.Dispose();
        Dir.Dispose();
    }
}

public class TorchCheckpointTests : IClassFixture<TorchSaveFiles>
{
    private readonly TorchSaveFiles files;

    public TorchCheckpointTests(TorchSaveFiles files) => this.files = files;

    private static void AssertMatches(JsonElement expected, Tensor t, string key)
    {
        Assert.True(expected.GetProperty("dtype").GetString() == t.dtype.Name(), $"{key}: dtype {t.dtype.Name()}, python says {expected.GetProperty("dtype").GetString()}");
        Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), t.shape);
        var values = expected.GetProperty("values").EnumerateArray();
        if (t.is_floating_point())
        {
            using var d = t.to(ScalarType.Float64);
            Assert.Equal(values.Select(e => e.GetDouble()), d.ToArray<double>());
        }
        else
        {
            using var l = t.to(ScalarType.Int64);
            Assert.Equal(values.Select(e => e.GetInt64()), l.ToArray<long>());
        }
    }

    [Fact]
    public void A_torch_save_checkpoint_loads_by_dotted_key_with_exact_values()
    {
        using var scope = torch.NewDisposeScope();
        var sd = TorchCheckpoint.LoadStateDict(files.Ckpt);
        var expected = files.Expected.RootElement.EnumerateObject().ToList();
        Assert.Equal(expected.Select(p => p.Name).OrderBy(k => k, StringComparer.Ordinal), sd.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var p in expected) AssertMatches(p.Value, sd[p.Name], p.Name);

        // Spot checks written by hand, independent of python's description.
        Assert.Equal(new long[] { 4, 3 }, sd["extra.transposed"].shape);
        Assert.Equal(new float[] { 0, 2, 4, 0.5f, 2.5f, 4.5f, 1, 3, 5, 1.5f, 3.5f, 5.5f }, sd["extra.transposed"].ToArray<float>());
        Assert.Equal(new float[] { 1, 1.5f, 2, 2.5f, 3 }, sd["extra.view"].ToArray<float>());
        Assert.Equal(new float[] { 0.5f, 2.5f, 4.5f }, sd["extra.column"].ToArray<float>());
        Assert.Equal(new[] { 9.0f }, sd["layers.2.deep"].ToArray<float>());
        Assert.Contains("model.weight", sd.Keys);
        Assert.DoesNotContain("epoch", sd.Keys);
    }

    [Fact]
    public void A_prefix_selects_one_nested_state_dict()
    {
        using var scope = torch.NewDisposeScope();
        var model = TorchCheckpoint.LoadStateDict(files.Ckpt, prefix: "model");
        Assert.Equal(new[] { "bias", "weight" }, model.Keys.OrderBy(k => k));
        var plain = TorchCheckpoint.LoadStateDict(files.Plain);
        Assert.Equal(plain["weight"].ToArray<float>(), model["weight"].ToArray<float>());
        AssertMatches(files.Expected.RootElement.GetProperty("model.bias"), model["bias"], "bias");
        Assert.Throws<KeyNotFoundException>(() => TorchCheckpoint.LoadStateDict(files.Ckpt, prefix: "optimizer"));
    }

    [Fact]
    public void The_legacy_format_gets_a_clear_error()
    {
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(files.Legacy));
        Assert.Contains("legacy", e.Message);
    }

    private static byte[] ReplaceEntry(byte[] zip, Func<string, bool> which, Func<byte[], byte[]> change)
    {
        using var src = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var ms = new MemoryStream();
        using (var dst = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var e in src.Entries)
            {
                using var r = e.Open();
                var data = new MemoryStream();
                r.CopyTo(data);
                var bytes = which(e.FullName) ? change(data.ToArray()) : data.ToArray();
                using var w = dst.CreateEntry(e.FullName, CompressionLevel.NoCompression).Open();
                w.Write(bytes);
            }
        return ms.ToArray();
    }

    private static byte[] PickleWith(string body) => Encoding.Latin1.GetBytes(body);

    [Fact]
    public void A_pickle_that_would_run_code_is_refused()
    {
        using var dir = new TempDir();
        var path = dir.File("evil.pt");
        // pickle.dumps of an object whose __reduce__ is (os.system, ("echo pwned",)).
        var evil = PickleWith("\u0080\u0002cposix\nsystem\nq\u0000X\u000a\u0000\u0000\u0000echo pwnedq\u0001\u0085q\u0002Rq\u0003.");
        File.WriteAllBytes(path, ReplaceEntry(File.ReadAllBytes(files.Plain), n => n.EndsWith("data.pkl"), _ => evil));
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path));
        Assert.Contains("posix.system", e.Message);

        var builtins = PickleWith("\u0080\u0002c__builtin__\neval\nX\u0001\u0000\u0000\u00001\u0085R.");
        File.WriteAllBytes(path, ReplaceEntry(File.ReadAllBytes(files.Plain), n => n.EndsWith("data.pkl"), _ => builtins));
        Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path));
    }

    [Fact]
    public void A_pickle_whose_shared_lists_would_take_forever_to_walk_is_refused()
    {
        using var dir = new TempDir();
        var path = dir.File("dag.pt");
        // L0 = []; L(i) = [L(i-1), L(i-1)] for 60 levels (within the depth limit); {'a': L60}: 2^60 paths in ~550 bytes.
        var p = new List<byte> { 0x80, 2, (byte)'}', (byte)'X', 1, 0, 0, 0, (byte)'a', (byte)']', (byte)'q', 0 };
        for (int i = 1; i <= 60; i++)
            p.AddRange(new byte[] { (byte)']', (byte)'(', (byte)'h', (byte)(i - 1), (byte)'h', (byte)(i - 1), (byte)'e', (byte)'q', (byte)i });
        p.AddRange(new byte[] { (byte)'s', (byte)'.' });
        File.WriteAllBytes(path, ReplaceEntry(File.ReadAllBytes(files.Plain), n => n.EndsWith("data.pkl"), _ => p.ToArray()));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_storage_of_the_wrong_size_or_a_missing_storage_is_a_format_error()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.pt");
        var zip = File.ReadAllBytes(files.Plain);
        File.WriteAllBytes(path, ReplaceEntry(zip, n => n.EndsWith("/data/0"), b => b[..^4]));
        Assert.Contains("storage", Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path)).Message);

        using (var ms = new MemoryStream())
        {
            ms.Write(zip);
            using (var z = new ZipArchive(ms, ZipArchiveMode.Update, leaveOpen: true))
                z.Entries.First(e => e.FullName.EndsWith("/data/1")).Delete();
            File.WriteAllBytes(path, ms.ToArray());
        }
        Assert.Contains("does not contain", Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path)).Message);

        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("not a zip at all"));
        Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path));
    }

    private static bool Attempt(string path, byte[] bytes, string what)
    {
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool rejected;
        try
        {
            var sd = TorchCheckpoint.LoadStateDict(path);
            foreach (var t in sd.Values) t.Dispose();
            rejected = false;
        }
        catch (CheckpointFormatException)
        {
            rejected = true;
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what}: {e.GetType().Name} instead of CheckpointFormatException: {e}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 32L * bytes.Length + (1 << 20), $"{what}: allocated {allocated} bytes reading a {bytes.Length}-byte file");
        return rejected;
    }

    [Fact]
    public void Fuzzed_torch_save_archives_only_give_format_errors()
    {
        using var dir = new TempDir();
        var path = dir.File("fuzz.pt");
        var zip = File.ReadAllBytes(files.Ckpt);
        byte[] pickle;
        using (var z = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
        {
            using var s = z.Entries.First(e => e.FullName.EndsWith("data.pkl")).Open();
            var ms = new MemoryStream();
            s.CopyTo(ms);
            pickle = ms.ToArray();
        }
        var rng = new Random(99);
        int rejected = 0, cases = 0;

        // Damaged pickles inside a well-formed zip: exercises the unpickler.
        for (int i = 0; i < 30; i++, cases++)
        {
            var p = (byte[])pickle.Clone();
            for (int k = 0, n = 1 + rng.Next(4); k < n; k++) p[rng.Next(p.Length)] = (byte)rng.Next(256);
            if (Attempt(path, ReplaceEntry(zip, e => e.EndsWith("data.pkl"), _ => p), $"pickle flip {i}")) rejected++;
        }
        // Truncated pickles.
        for (int i = 0; i < 10; i++, cases++)
        {
            int cut = rng.Next(pickle.Length);
            Assert.True(Attempt(path, ReplaceEntry(zip, e => e.EndsWith("data.pkl"), _ => pickle[..cut]), $"pickle cut {cut}"));
        }
        // Damaged and truncated archives.
        for (int i = 0; i < 20; i++, cases++)
        {
            var b = (byte[])zip.Clone();
            for (int k = 0, n = 1 + rng.Next(8); k < n; k++) b[rng.Next(b.Length)] = (byte)rng.Next(256);
            if (Attempt(path, b, $"zip flip {i}")) rejected++;
        }
        for (int i = 0; i < 15; i++, cases++)
            Assert.True(Attempt(path, zip[..rng.Next(zip.Length)], $"zip cut {i}"));
        Assert.True(rejected > 10, $"only {rejected} of {cases} damaged archives were rejected");
    }

    [Fact]
    public void Hostile_tensor_metadata_is_rejected()
    {
        using var dir = new TempDir();
        var path = dir.File("hostile.pt");
        var zip = File.ReadAllBytes(files.Plain);
        // {'w': _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', numel), offset, size, stride, False, OrderedDict())}
        string Tensor(string numel, string offset, string size, string stride) =>
            "\u0080\u0002}X\u0001\u0000\u0000\u0000wctorch._utils\n_rebuild_tensor_v2\n((X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\nX\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpu"
            + numel + "t" + "Q" + offset + size + stride + "\u0089ccollections\nOrderedDict\n)RtRs.";
        string I(long v) => "J" + Encoding.Latin1.GetString(BitConverter.GetBytes((int)v));
        string L(long v) => "\u008a\u0008" + Encoding.Latin1.GetString(BitConverter.GetBytes(v));
        var cases = new Dictionary<string, string>
        {
            ["huge storage"] = Tensor(L(1L << 61), I(0), "(" + I(1) + "t", "(" + I(1) + "t"),
            ["negative storage"] = Tensor(I(-1), I(0), "(" + I(1) + "t", "(" + I(1) + "t"),
            ["offset past the end"] = Tensor(I(6), I(100), "(" + I(1) + "t", "(" + I(1) + "t"),
            ["view past the end"] = Tensor(I(6), I(0), "(" + I(7) + "t", "(" + I(1) + "t"),
            ["stride past the end"] = Tensor(I(6), I(0), "(" + I(2) + "t", "(" + I(6) + "t"),
            ["negative size"] = Tensor(I(6), I(0), "(" + I(-2) + "t", "(" + I(1) + "t"),
            ["negative stride"] = Tensor(I(6), I(5), "(" + I(2) + "t", "(" + I(-1) + "t"),
            ["overflowing size"] = Tensor(I(6), I(0), "(" + L(1L << 40) + L(1L << 40) + "t", "(" + I(0) + I(0) + "t"),
            ["expanding stride 0"] = Tensor(I(6), I(0), "(" + L(1L << 40) + "t", "(" + I(0) + "t"),
            ["size and stride lengths differ"] = Tensor(I(6), I(0), "(" + I(2) + I(3) + "t", "(" + I(1) + "t"),
            ["size is not a tuple"] = Tensor(I(6), I(0), I(2), "(" + I(1) + "t"),
        };
        foreach (var (what, body) in cases)
        {
            File.WriteAllBytes(path, ReplaceEntry(zip, n => n.EndsWith("data.pkl"), _ => PickleWith(body)));
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Record.Exception(() => TorchCheckpoint.LoadStateDict(path));
            Assert.True(e is CheckpointFormatException, $"{what}: {e?.GetType().Name ?? "no exception"} {e?.Message}");
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, $"{what}: allocated too much");
        }

        // The same pickle with sane numbers loads: storage '0' is Linear(3, 2).weight, 6 floats.
        using var scope = torch.NewDisposeScope();
        File.WriteAllBytes(path, ReplaceEntry(zip, n => n.EndsWith("data.pkl"), _ => PickleWith(Tensor(I(6), I(1), "(" + I(2) + I(2) + "t", "(" + I(1) + I(2) + "t"))));
        var sd = TorchCheckpoint.LoadStateDict(path);
        var w = TorchCheckpoint.LoadStateDict(files.Plain)["weight"].ToArray<float>(); // row-major [w0..w5]
        Assert.Equal(new[] { w[1], w[3], w[2], w[4] }, sd["w"].ToArray<float>());
    }
}
