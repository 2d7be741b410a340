using MusicLM.Torch.nn;
using MusicLM.Torch.optim;
using MusicLM.Torch.Serialization;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.Tests.Serialization;

public class ResumeTests
{
    public sealed record MlpConfig(int Width);

    private static Sequential Mlp(MlpConfig c) => new(new Linear(3, c.Width), new Tanh(), new Linear(c.Width, 1));

    private static void Train(Sequential net, Optimizer opt, Tensor x, Tensor y, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            opt.zero_grad();
            F.mse_loss(net.forward(x), y).backward();
            opt.step();
        }
    }

    [Fact]
    public void Training_resumed_from_a_checkpoint_with_optimizer_state_continues_exactly()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "mlp.safetensors");
        var config = new MlpConfig(8);
        torch.manual_seed(7);
        using var x = torch.randn(16, 3);
        using var y = torch.randn(16, 1);

        using var net = Mlp(config);
        using var opt = new AdamW(net.parameters(), lr: 1e-2);
        Train(net, opt, x, y, 3);
        var optState = opt.state_dict();
        Checkpoint.Save(path, net, config, optState);
        foreach (var t in optState.Values) t.Dispose();
        Train(net, opt, x, y, 4);                       // the run that was never interrupted

        var loadedConfig = Checkpoint.Load<MlpConfig>(path);
        using var resumed = Mlp(loadedConfig);
        Checkpoint.LoadInto(path, resumed);
        using var resumedOpt = new AdamW(resumed.parameters(), lr: 1e-2);
        var state = Checkpoint.LoadOptimizerState(path);
        Assert.NotNull(state);
        resumedOpt.load_state_dict(state!);
        foreach (var t in state!.Values) t.Dispose();
        Train(resumed, resumedOpt, x, y, 4);            // the run that restarted from the checkpoint

        var original = net.state_dict();
        foreach (var (name, value) in resumed.state_dict())
            Assert.True(value.equal(original[name]), $"'{name}' differs after resuming");
    }

    [Fact]
    public void Resuming_without_optimizer_state_diverges_which_shows_the_state_matters()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "mlp.safetensors");
        torch.manual_seed(7);
        using var x = torch.randn(16, 3);
        using var y = torch.randn(16, 1);
        using var net = Mlp(new MlpConfig(8));
        using var opt = new AdamW(net.parameters(), lr: 1e-2);
        Train(net, opt, x, y, 3);
        Checkpoint.Save(path, net, new MlpConfig(8));
        Train(net, opt, x, y, 4);

        using var fresh = Mlp(new MlpConfig(8));
        Checkpoint.LoadInto(path, fresh);
        Assert.Null(Checkpoint.LoadOptimizerState(path));
        using var freshOpt = new AdamW(fresh.parameters(), lr: 1e-2);
        Train(fresh, freshOpt, x, y, 4);
        var original = net.state_dict();
        Assert.Contains(fresh.state_dict(), kv => !kv.Value.equal(original[kv.Key]));
    }
}
