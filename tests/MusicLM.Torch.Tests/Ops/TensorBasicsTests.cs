using MusicLM.Torch;
using static MusicLM.Torch.Tests.Check;

namespace MusicLM.Torch.Tests;

public class TensorBasicsTests
{
    [Fact]
    public void Dtypes_round_trip_through_to_and_ToArray()
    {
        using var scope = torch.NewDisposeScope();
        // Values exactly representable in every float format, so the round trip is exact.
        float[] v = { 1, -0.5f, 2.25f, 1024, 0 };
        var f32 = torch.tensor(v);
        Assert.Equal(ScalarType.Float32, f32.dtype);
        Assert.Equal(v, f32.ToArray<float>());
        var f64 = f32.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, f64.dtype);
        Assert.Equal(v.Select(a => (double)a), f64.ToArray<double>());
        var f16 = f32.to(ScalarType.Float16);
        Assert.Equal(ScalarType.Float16, f16.dtype);
        Assert.Equal(2L, f16.element_size());
        Assert.Equal(v.Select(a => (Half)a), f16.ToArray<Half>());
        Assert.Equal(v, f16.to(ScalarType.Float32).ToArray<float>());
        var bf = f32.bfloat16();
        Assert.Equal(ScalarType.BFloat16, bf.dtype);
        Assert.Equal(v, bf.@float().ToArray<float>());
        // bfloat16 keeps 8 significant bits: 1 + 2^-9 rounds to 1.
        Assert.Equal(1f, torch.tensor(new[] { 1 + MathF.Pow(2, -9) }).bfloat16().@float().item<float>());
        // float → int truncates toward zero.
        var i64 = torch.tensor(new[] { 1.7, -1.7, 3.0 }).@long();
        Assert.Equal(new long[] { 1, -1, 3 }, i64.ToArray<long>());
        var i32 = i64.@int();
        Assert.Equal(ScalarType.Int32, i32.dtype);
        Assert.Equal(new[] { 1, -1, 3 }, i32.ToArray<int>());
        Assert.Equal(new long[] { 1, -1, 3 }, i32.to(ScalarType.Int64).ToArray<long>());
        var b = torch.tensor(new[] { 0.0, 2, -1 }).@bool();
        Assert.Equal(ScalarType.Bool, b.dtype);
        Assert.Equal(new[] { false, true, true }, b.ToArray<bool>());
        Assert.Equal(new long[] { 0, 1, 1 }, b.@long().ToArray<long>());
        Assert.Equal(new[] { true, false }, torch.tensor(new[] { true, false }).ToArray<bool>());
        // Asking for the wrong element type is a clear error.
        var e = Assert.Throws<InvalidOperationException>(() => f32.ToArray<double>());
        Assert.Contains("float32", e.Message);
        Assert.Equal(v.Select(a => (double)a), D(f16));
    }

    [Fact]
    public void From_array_shares_memory_while_tensor_copies()
    {
        using var scope = torch.NewDisposeScope();
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var shared = torch.from_array(data, 2, 3);
        var copied = torch.tensor(data, 2, 3);
        data[4] = 50;
        Assert.Equal(50f, shared[1, 1].item<float>());
        Assert.Equal(5f, copied[1, 1].item<float>());
        // Writes through the tensor reach the array too.
        shared.mul_(2.0);
        Assert.Equal(new float[] { 2, 4, 6, 8, 100, 12 }, data);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, copied.ToArray<float>());
        var longs = new long[] { 1, 2 };
        var tl = torch.from_array(longs);
        Shape(tl, 2);
        longs[0] = 9;
        Assert.Equal(9L, tl[0].item<long>());
        Assert.Throws<ArgumentException>(() => torch.from_array(data, 4, 2));
        var d2 = torch.tensor(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Shape(d2, 2, 3);
        Assert.Equal(6.0, d2[1, 2].item());
    }

    [Fact]
    public void Item_reads_a_single_element_in_the_requested_type()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(2.5, torch.tensor(2.5).item());
        Assert.Equal(2.5f, torch.tensor(2.5).item<float>());
        Assert.Equal(9007199254740993L, torch.tensor(new long[] { 9007199254740993L }).item<long>()); // 2^53 + 1, not a double
        Assert.Equal(7, torch.tensor(new[] { 7 }).item<int>());
        Assert.True(torch.tensor(new[] { true }).item<bool>());
        Assert.Equal((Half)1.5, torch.tensor(1.5).half().item<Half>());
        Assert.Throws<TorchException>(() => torch.ones(2).item());
    }

    [Fact]
    public void ToString_shows_shape_dtype_device_and_values()
    {
        using var scope = torch.NewDisposeScope();
        var s = T(new double[] { 1, 2.5, 3, 4, 5, 6 }, 2, 3).ToString();
        Assert.Contains("shape=[2, 3]", s);
        Assert.Contains("float64", s);
        Assert.Contains("cpu", s);
        Assert.Contains("2.5", s);
        Assert.Contains("6", s);
        var big = torch.arange(100).ToString();
        Assert.Contains("int64", big);
        Assert.Contains("99", big);
        Assert.Contains("...", big);
        Assert.Contains("requires_grad", T(1).requires_grad_().ToString());
        var d = T(1);
        d.Dispose();
        Assert.Contains("disposed", d.ToString());
    }

    [Fact]
    public void Device_parse_and_cuda_absence()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(Device.CPU, Device.Parse("cpu"));
        Assert.Equal(Device.CPU, Device.Parse(" CPU "));
        Assert.Equal(new Device(DeviceType.CUDA, 0), Device.Parse("cuda"));
        Assert.Equal(new Device(DeviceType.CUDA, 2), Device.Parse("cuda:2"));
        Assert.Equal("cuda:2", Device.Parse("cuda:2").ToString());
        Assert.Equal("cpu", T(1).device.ToString());
        Assert.Throws<ArgumentException>(() => Device.Parse("tpu"));
        Assert.Throws<ArgumentException>(() => Device.Parse("cuda:-1"));
        Assert.Throws<ArgumentException>(() => Device.Parse("cuda:x"));
        if (!torch.cuda.is_available())
        {
            Assert.Equal(0, torch.cuda.device_count());
            var t = T(1, 2);
            Assert.Throws<TorchException>(() => t.to("cuda"));
            Assert.Throws<TorchException>(() => t.cuda());
            Assert.Throws<TorchException>(() => torch.zeros(new long[] { 2 }, device: Device.CUDA()));
            Assert.Equal(3.0, t.sum().item()); // still alive
        }
    }

    [Fact]
    public void Creation_functions_fill_as_documented()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(new long[] { 0, 1, 2, 3 }, torch.arange(4).ToArray<long>());
        Assert.Equal(new long[] { 2, 5, 8 }, torch.arange(2, 10, 3).ToArray<long>());
        Close(new[] { 0.0, 0.5, 1.0, 1.5 }, torch.arange(0.0, 2.0, 0.5));
        Close(new[] { 0.0, 0.25, 0.5, 0.75, 1.0 }, torch.linspace(0, 1, 5));
        Close(new double[] { 1, 0, 0, 0, 1, 0 }, torch.eye(2, 3));
        Close(new double[] { 7, 7 }, torch.full(new long[] { 2 }, 7));
        Assert.Equal(ScalarType.Int64, torch.full(new long[] { 1 }, 7, ScalarType.Int64).dtype);
        Close(new double[] { 0, 0 }, torch.zeros_like(T(3, 4)));
        Close(new double[] { 1, 1 }, torch.ones_like(T(3, 4)));
        Close(new double[] { 2.5, 2.5 }, torch.full_like(T(3, 4), 2.5));
        Assert.Equal(ScalarType.Float32, torch.zeros(2).dtype);
    }
}

[Collection("Serial")]
public class ThreadTests
{
    [Fact]
    public void Threads_default_to_the_processor_count_and_can_be_set()
    {
        int n = torch.get_num_threads();
        Assert.Equal(Environment.ProcessorCount, n);
        try
        {
            torch.set_num_threads(1);
            Assert.Equal(1, torch.get_num_threads());
            using var t = torch.ones(1000);
            using var s = t.sum();
            Assert.Equal(1000.0, s.item());
        }
        finally { torch.set_num_threads(n); }
        Assert.Equal(n, torch.get_num_threads());
        Assert.Throws<TorchException>(() => torch.set_num_threads(0));
    }
}
