using MusicLM.Torch.nn;
using MusicLM.Torch.optim;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.Tests;

public class TrainingTests
{
    [Fact]
    public void Mlp_learns_xor()
    {
        torch.manual_seed(1);
        using var mlp = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
        using var opt = new AdamW(mlp.parameters(), lr: 0.05, weight_decay: 0);
        using var x = torch.tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 4, 2);
        using var y = torch.tensor(new float[] { 0, 1, 1, 0 }, 4, 1);
        double loss = double.NaN;
        for (int i = 0; i < 300; i++)
        {
            using var scope = torch.NewDisposeScope();
            var l = F.binary_cross_entropy_with_logits(mlp.forward(x), y);
            opt.zero_grad();
            l.backward();
            opt.step();
            loss = l.item();
        }
        Assert.True(loss < 0.05, $"final loss {loss}");
        using var s = torch.NewDisposeScope();
        var predicted = mlp.forward(x).gt(0.0).to(ScalarType.Float32).ToArray<float>();
        Assert.Equal(new float[] { 0, 1, 1, 0 }, predicted);
    }

    [Fact]
    public void Conv_autoencoder_halves_its_loss_on_a_fixed_batch()
    {
        torch.manual_seed(2);
        using var ae = new Sequential(
            new Conv1d(1, 8, 4, stride: 2, padding: 1, weight_norm: true), new ELU(),
            new Conv1d(8, 8, 4, stride: 2, padding: 1), new ELU(),                      // (B, 8, 16)
            new ConvTranspose1d(8, 8, 4, stride: 2, padding: 1, weight_norm: true), new ELU(),
            new ConvTranspose1d(8, 1, 4, stride: 2, padding: 1));                       // (B, 1, 64)
        using var opt = new Adam(ae.parameters(), lr: 1e-2);
        using var t = torch.arange(0.0, 64.0).view(1, 1, 64);
        using var freq = torch.tensor(new float[] { 0.1f, 0.2f, 0.3f, 0.45f }, 4, 1, 1);
        using var arg = t * freq;
        using var batch = arg.sin();                                                     // (4, 1, 64)
        double first = double.NaN, last = double.NaN;
        for (int i = 0; i < 300 && !(last < first / 2); i++)
        {
            using var scope = torch.NewDisposeScope();
            var y = ae.forward(batch);
            Assert.Equal(new long[] { 4, 1, 64 }, y.shape);
            var l = F.mse_loss(y, batch);
            opt.zero_grad();
            l.backward();
            opt.step();
            last = l.item();
            if (i == 0) first = last;
        }
        Assert.True(last < first / 2, $"loss went from {first} to {last}");
    }
}
