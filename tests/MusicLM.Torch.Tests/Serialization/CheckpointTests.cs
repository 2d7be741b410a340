using MusicLM.Torch.nn;
using MusicLM.Torch.Serialization;

namespace MusicLM.Torch.Tests.Serialization;

public class CheckpointTests
{
    public sealed record TinyConfig(int In, int Out, string Name, double[] Rates);

    private sealed class Inner : Module
    {
        public Parameter bias;

        public Inner(int n) => bias = new Parameter(torch.randn(n));
    }

    private sealed class TinyNet : Module<Tensor, Tensor>
    {
        public Parameter weight;
        public Inner head;
        public Tensor scale; // a buffer

        public TinyNet(TinyConfig c)
        {
            weight = new Parameter(torch.randn(c.In, c.Out));
            head = new Inner(c.Out);
            scale = torch.rand(c.Out).DetachFromDisposeScope();
        }

        public override Tensor forward(Tensor x)
        {
            using var y = x.matmul(weight);
            using var z = y + head.bias;
            return z * scale;
        }
    }

    private static readonly TinyConfig Config = new(4, 3, "tiny", new[] { 0.5, 0.25 });

    [Fact]
    public void Save_then_load_gives_identical_outputs_and_config()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        var path = dir.File("tiny.safetensors");
        torch.manual_seed(1);
        using var a = new TinyNet(Config);
        Checkpoint.Save(path, a, Config);

        torch.manual_seed(2);
        using var b = new TinyNet(Config);
        var x = torch.randn(5, 4);
        Assert.NotEqual(a.call(x).ToArray<float>(), b.call(x).ToArray<float>());

        Checkpoint.LoadInto(path, b);
        Assert.Equal(a.call(x).ToArray<float>(), b.call(x).ToArray<float>());
        foreach (var (k, t) in a.state_dict()) Assert.Equal(t.ToArray<float>(), b.state_dict()[k].ToArray<float>());

        var c = Checkpoint.Load<TinyConfig>(path);
        Assert.Equal((Config.In, Config.Out, Config.Name), (c.In, c.Out, c.Name));
        Assert.Equal(Config.Rates, c.Rates);

        Assert.True(File.Exists(dir.File("tiny.json")));
        Assert.Equal(new[] { "head.bias", "scale", "weight" }, Safetensors.ReadHeader(path).Entries.Select(e => e.Name).OrderBy(n => n));
        Assert.Contains("\"format\": 1", File.ReadAllText(dir.File("tiny.json")));
    }

    [Fact]
    public void Optimizer_state_round_trips_and_is_removed_when_a_later_save_has_none()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        var path = dir.File("m.safetensors");
        using var net = new TinyNet(Config);
        var state = new Dictionary<string, Tensor> { ["weight.exp_avg"] = torch.full(new long[] { 4, 3 }, 0.5), ["step"] = torch.tensor(new long[] { 10 }) };
        Checkpoint.Save(path, net, Config, state);
        var loaded = Checkpoint.LoadOptimizerState(path);
        Assert.NotNull(loaded);
        Assert.Equal(Enumerable.Repeat(0.5f, 12), loaded!["weight.exp_avg"].ToArray<float>());
        Assert.Equal(new long[] { 10 }, loaded["step"].ToArray<long>());
        foreach (var t in loaded.Values) t.Dispose();

        Checkpoint.Save(path, net, Config);
        Assert.Null(Checkpoint.LoadOptimizerState(path));
        Assert.Equal(new[] { "m.json", "m.safetensors" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).OrderBy(n => n));
    }

    [Fact]
    public void A_missing_or_invalid_config_is_a_clear_format_error()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        var path = dir.File("c.safetensors");
        using var net = new TinyNet(Config);
        Checkpoint.Save(path, net, Config);
        var json = dir.File("c.json");

        File.Delete(json);
        Assert.Contains("missing", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load<TinyConfig>(path)).Message);

        File.WriteAllText(json, "{ not json");
        Assert.Contains("not valid JSON", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load<TinyConfig>(path)).Message);

        File.WriteAllText(json, "{\"format\": 1, \"config\": {\"In\": \"four\"}}");
        Assert.Contains("TinyConfig", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load<TinyConfig>(path)).Message);

        File.WriteAllText(json, "{\"config\": {}}");
        Assert.Contains("format", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load<TinyConfig>(path)).Message);

        File.WriteAllText(json, "{\"format\": 99, \"config\": {}}");
        Assert.Contains("newer", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load<TinyConfig>(path)).Message);
    }

    [Fact]
    public void Loading_into_a_model_of_another_shape_fails_and_changes_nothing()
    {
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        var path = dir.File("s.safetensors");
        using var small = new TinyNet(Config);
        Checkpoint.Save(path, small, Config);
        using var big = new TinyNet(Config with { Out = 5 });
        var before = big.weight.ToArray<float>();
        Assert.Throws<ArgumentException>(() => Checkpoint.LoadInto(path, big));
        Assert.Equal(before, big.weight.ToArray<float>());
    }
}
