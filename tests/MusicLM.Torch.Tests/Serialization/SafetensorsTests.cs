using System.Text;
using System.Text.Json;
using MusicLM.Torch.Serialization;

namespace MusicLM.Torch.Tests.Serialization;

public class SafetensorsTests
{
    private static readonly ScalarType[] AllTypes =
    {
        ScalarType.Float64, ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16, ScalarType.Int64,
        ScalarType.Int32, ScalarType.Int16, ScalarType.Int8, ScalarType.UInt8, ScalarType.Bool,
    };

    private static readonly long[][] Shapes = { Array.Empty<long>(), new long[] { 0 }, new long[] { 2, 0, 3 }, new long[] { 5 }, new long[] { 2, 3, 4 } };

    private static Tensor RandomTensor(Random rng, ScalarType type, long[] shape)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var bytes = new byte[n * type.ElementSize()];
        rng.NextBytes(bytes);
        if (type == ScalarType.Bool)
            for (int i = 0; i < bytes.Length; i++) bytes[i] &= 1;
        return torch.from_bytes(bytes, type, shape);
    }

    [Fact]
    public void Every_dtype_and_shape_round_trips_bit_exactly()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        var rng = new Random(1);
        var tensors = new Dictionary<string, Tensor>();
        var expected = new Dictionary<string, (ScalarType, long[], byte[])>();
        foreach (var t in AllTypes)
            for (int s = 0; s < Shapes.Length; s++)
            {
                var x = RandomTensor(rng, t, Shapes[s]);
                var name = $"{t}.{s}";
                tensors[name] = x;
                expected[name] = (t, Shapes[s], x.ToBytes());
            }
        var path = dir.File("all.safetensors");
        var meta = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcödé \"quoted\"" };
        Safetensors.Save(path, tensors, meta);

        using var file = Safetensors.Load(path);
        Assert.Equal(expected.Keys.OrderBy(k => k), file.Tensors.Keys.OrderBy(k => k));
        foreach (var (name, (type, shape, bytes)) in expected)
        {
            var y = file[name];
            Assert.Equal(type, y.dtype);
            Assert.Equal(shape, y.shape);
            Assert.Equal(bytes, y.ToBytes());
        }
        Assert.Equal(meta, file.Metadata);
    }

    [Fact]
    public void A_non_contiguous_tensor_is_saved_in_row_major_order()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3).t(); // [[1,4],[2,5],[3,6]]
        var path = dir.File("t.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["t"] = a });
        using var file = Safetensors.Load(path);
        Assert.Equal(new long[] { 3, 2 }, file["t"].shape);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, file["t"].ToArray<float>());
    }

    // Byte vectors from the reference implementation's own tests (huggingface/safetensors,
    // safetensors/src/tensor.rs: test_serialization and test_empty).
    [Fact]
    public void Output_is_byte_identical_to_the_reference_implementation()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        var path = dir.File("ref.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["attn.0"] = torch.tensor(new float[] { 0, 1, 2, 3, 4, 5 }, 1, 2, 3) });
        byte[] expected =
        {
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        };
        Assert.Equal(expected, File.ReadAllBytes(path));

        Safetensors.Save(path, new Dictionary<string, Tensor>());
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32 }, File.ReadAllBytes(path));

        Safetensors.Save(path, new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["framework"] = "pt" });
        byte[] withMeta =
        {
            40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
            95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
            116, 34, 125, 125, 32, 32, 32, 32, 32,
        };
        Assert.Equal(withMeta, File.ReadAllBytes(path));
    }

    [Fact]
    public void ReadHeader_describes_tensors_without_loading_them()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        var path = dir.File("h.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor>
        {
            ["b"] = torch.zeros(new long[] { 2, 3 }, ScalarType.Float16),
            ["a"] = torch.zeros(new long[] { 4 }, ScalarType.Int64),
        });
        var h = Safetensors.ReadHeader(path);
        // Laid out as the Python library does: wider dtypes first (I64 before F16).
        Assert.Equal(new[] { "a", "b" }, h.Entries.Select(e => e.Name));
        Assert.Equal(new SafetensorsEntry("a", ScalarType.Int64, new long[] { 4 }, 0, 32).ToString(), h.Entries[0].ToString());
        Assert.Equal(new SafetensorsEntry("b", ScalarType.Float16, new long[] { 2, 3 }, 32, 44).ToString(), h.Entries[1].ToString());
        Assert.Null(h.Metadata);
        Assert.Equal(0, (h.DataStart - 8) % 8);
    }

    private const string PyWriter = """
import json, struct, sys, torch
torch.manual_seed(0)
ts = {
    "f64": torch.randn(2, 3, dtype=torch.float64),
    "f32": torch.randn(4),
    "f16": torch.randn(3, 2).half(),
    "bf16": torch.randn(5).bfloat16(),
    "i64": torch.tensor([-2**62, 5, 2**40]),
    "i32": torch.tensor([[-7, 8], [1 << 30, -1]], dtype=torch.int32),
    "i16": torch.tensor([-300, 300], dtype=torch.int16),
    "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
    "u8": torch.tensor([0, 255, 7], dtype=torch.uint8),
    "bool": torch.tensor([True, False, True]),
    "scalar": torch.tensor(3.5),
    "empty": torch.zeros(2, 0),
    "weird name/é": torch.arange(3, dtype=torch.int16),
}
codes = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
         torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
         torch.uint8: "U8", torch.bool: "BOOL"}
def raw(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    a = t.numpy()
    return a.astype(a.dtype.newbyteorder("<")).tobytes()
header, data = {"__metadata__": {"source": "python"}}, b""
for name in sorted(ts, reverse=True):  # not the library's order: readers must go by offsets
    b = raw(ts[name])
    header[name] = {"dtype": codes[ts[name].dtype], "shape": list(ts[name].shape), "data_offsets": [len(data), len(data) + len(b)]}
    data += b
h = json.dumps(header).encode("utf-8")
h += b" " * ((8 - len(h) % 8) % 8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + data)
out = {}
for name, t in ts.items():
    vals = t.double().flatten().tolist() if t.dtype.is_floating_point else t.long().flatten().tolist()
    out[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "values": vals}
print(json.dumps(out))
""";

    [Fact]
    public void A_file_written_by_python_byte_by_byte_loads_with_the_right_values()
    {
        using var dir = new TempDir();
        var path = dir.File("py.safetensors");
        using var expected = JsonDocument.Parse(PythonRef.Run(PyWriter, path));
        using var file = Safetensors.Load(path);
        Assert.Equal("python", file.Metadata["source"]);
        int count = 0;
        foreach (var p in expected.RootElement.EnumerateObject())
        {
            count++;
            var t = file[p.Name];
            Assert.Equal(p.Value.GetProperty("dtype").GetString(), Safetensors.DTypeName(t.dtype));
            Assert.Equal(p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), t.shape);
            var values = p.Value.GetProperty("values");
            if (t.is_floating_point())
            {
                using var d = t.to(ScalarType.Float64);
                Assert.Equal(values.EnumerateArray().Select(e => e.GetDouble()), d.ToArray<double>());
            }
            else
            {
                using var l = t.to(ScalarType.Int64);
                Assert.Equal(values.EnumerateArray().Select(e => e.GetInt64()), l.ToArray<long>());
            }
        }
        Assert.Equal(count, file.Tensors.Count);
    }

    private const string PyReader = """
import json, struct, sys, torch
codes = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
         "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
         "U8": torch.uint8, "BOOL": torch.bool}
buf = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", buf[:8])
assert n % 8 == 0, "header not padded to 8"
raw = buf[8:8 + n]
assert raw.rstrip(b" ").endswith(b"}"), "header must be JSON padded with spaces"
header = json.loads(raw.decode("utf-8"), object_pairs_hook=lambda kv: kv)
meta = dict(dict(header).get("__metadata__", []))
entries = [(k, dict(v)) for k, v in header if k != "__metadata__"]
data = buf[8 + n:]
end = 0
out = {"order": [k for k, _ in entries], "metadata": meta, "tensors": {}}
for name, e in entries:
    b, f = e["data_offsets"]
    assert b == end, f"{name}: gap or overlap at {b}, expected {end}"
    end = f
    dt = codes[e["dtype"]]
    shape = e["shape"]
    chunk = data[b:f]
    t = torch.frombuffer(bytearray(chunk), dtype=dt).reshape(shape) if chunk else torch.empty(shape, dtype=dt)
    assert t.numel() * t.element_size() == f - b
    vals = t.double().flatten().tolist() if dt.is_floating_point else t.long().flatten().tolist()
    out["tensors"][name] = {"shape": shape, "values": vals}
assert end == len(data), "trailing bytes after the last tensor"
print(json.dumps(out))
""";

    [Fact]
    public void A_file_we_write_is_read_by_python_with_the_right_values()
    {
        using var dir = new TempDir();
        var path = dir.File("ours.safetensors");
        using (var scope = torch.NewDisposeScope())
        {
            Safetensors.Save(path, new Dictionary<string, Tensor>
            {
                ["z.f32"] = torch.tensor(new float[] { 1.5f, -2.25f, 1e-3f, 6 }, 2, 2),
                ["a.f16"] = torch.tensor(new float[] { 0.5f, -8 }).to(ScalarType.Float16),
                ["bf"] = torch.tensor(new float[] { 3, -0.125f }).to(ScalarType.BFloat16),
                ["m.i64"] = torch.tensor(new long[] { long.MinValue, 42, long.MaxValue }),
                ["b.bool"] = torch.tensor(new bool[] { true, false }),
                ["u"] = torch.tensor(new byte[] { 255, 0, 9 }),
                ["s"] = torch.tensor(2.5, ScalarType.Float64),
                ["e"] = torch.zeros(new long[] { 0, 4 }),
                ["i8"] = torch.tensor(new sbyte[] { -5, 5 }),
                ["i16"] = torch.tensor(new short[] { -32768, 1 }),
                ["i32"] = torch.tensor(new int[] { int.MinValue }),
            }, new Dictionary<string, string> { ["who"] = "csharp" });
        }

        using var got = JsonDocument.Parse(PythonRef.Run(PyReader, path));
        var root = got.RootElement;
        // The Python library's layout, worked out by hand: descending dtype (I64, F64, F32, I32,
        // BF16, F16, I16, I8, U8, BOOL), then name.
        Assert.Equal(new[] { "m.i64", "s", "e", "z.f32", "i32", "bf", "a.f16", "i16", "i8", "u", "b.bool" },
            root.GetProperty("order").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("csharp", root.GetProperty("metadata").GetProperty("who").GetString());
        var t = root.GetProperty("tensors");
        double[] D(string n) => t.GetProperty(n).GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        long[] L(string n) => t.GetProperty(n).GetProperty("values").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.Equal(new[] { 1.5, -2.25, (double)1e-3f, 6 }, D("z.f32"));
        Assert.Equal(new[] { 0.5, -8 }, D("a.f16"));
        Assert.Equal(new[] { 3, -0.125 }, D("bf"));
        Assert.Equal(new[] { long.MinValue, 42, long.MaxValue }, L("m.i64"));
        Assert.Equal(new long[] { 1, 0 }, L("b.bool"));
        Assert.Equal(new long[] { 255, 0, 9 }, L("u"));
        Assert.Equal(new[] { 2.5 }, D("s"));
        Assert.Empty(D("e"));
        Assert.Equal(new long[] { 0, 4 }, t.GetProperty("e").GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Empty(t.GetProperty("s").GetProperty("shape").EnumerateArray());
        Assert.Equal(new long[] { -5, 5 }, L("i8"));
        Assert.Equal(new long[] { -32768, 1 }, L("i16"));
        Assert.Equal(new long[] { int.MinValue }, L("i32"));
    }

    [Fact]
    public void A_save_that_fails_midway_leaves_the_old_file_and_no_temp_file()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        var path = dir.File("model.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["w"] = torch.ones(3) });
        var before = File.ReadAllBytes(path);

        var gone = torch.zeros(2);
        gone.Dispose();
        var tensors = new Dictionary<string, Tensor> { ["a"] = torch.full(new long[] { 1000 }, 7.0), ["b"] = gone };
        Assert.Throws<ObjectDisposedException>(() => Safetensors.Save(path, tensors));
        Assert.Throws<NotSupportedException>(() => Safetensors.Save(path, new Dictionary<string, Tensor> { ["c"] = torch.zeros(new long[] { 2 }, ScalarType.Complex64) }));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Saving_replaces_an_existing_file_completely()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        var path = dir.File("x.safetensors");
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["big"] = torch.zeros(1000) });
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["small"] = torch.tensor(new float[] { 9 }) });
        using var file = Safetensors.Load(path);
        Assert.Equal(new[] { "small" }, file.Tensors.Keys);
        Assert.Equal(new float[] { 9 }, file["small"].ToArray<float>());
        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_header_length_past_the_end_of_the_file_names_the_file_and_the_sizes()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.safetensors");
        var bytes = new byte[1024];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), 9_000_000UL);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CheckpointFormatException>(() => Safetensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("header length 9000000 exceeds file size 1024", e.Message);
    }

    [Fact]
    public void A_missing_file_is_not_a_format_error()
    {
        Assert.Throws<FileNotFoundException>(() => Safetensors.Load(Path.Combine(Path.GetTempPath(), $"nope-{Guid.NewGuid():N}.safetensors")));
    }

    internal static byte[] Build(string json, int dataBytes, ulong? lengthOverride = null)
    {
        var h = Encoding.UTF8.GetBytes(json);
        var file = new byte[8 + h.Length + dataBytes];
        BitConverter.TryWriteBytes(file.AsSpan(0, 8), lengthOverride ?? (ulong)h.Length);
        h.CopyTo(file, 8);
        for (int i = 0; i < dataBytes; i++) file[8 + h.Length + i] = (byte)i;
        return file;
    }
}
