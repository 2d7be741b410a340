using MusicLM.Torch;
using MusicLM.Torch.nn;

namespace MusicLM.Cli.Bench;

/// <summary>
/// The SEANet encoder/decoder of engine benchmark B1 (ENGINE-BENCH.md beside this file), built from the
/// library's own modules. Not the course codec: that lives with the MusicLM components.
/// </summary>
public sealed class SeaNet : Module<Tensor, Tensor>
{
    private readonly Sequential enc;
    private readonly Sequential dec;

    public SeaNet(long channels = 32, long[]? ratios = null, long dim = 128)
    {
        ratios ??= new long[] { 2, 4, 5, 8 };
        var e = new List<Module<Tensor, Tensor>> { new Conv1d(1, channels, 7, padding: 3) };
        long c = channels;
        foreach (var r in ratios)
        {
            e.Add(new ResidualUnit(c, 1));
            e.Add(new ResidualUnit(c, 3));
            e.Add(new ResidualUnit(c, 9));
            e.Add(new ELU());
            e.Add(new Conv1d(c, 2 * c, 2 * r, stride: r, padding: (r + 1) / 2));
            c *= 2;
        }
        e.Add(new ELU());
        e.Add(new Conv1d(c, dim, 3, padding: 1));
        enc = new Sequential(e.ToArray());

        var d = new List<Module<Tensor, Tensor>> { new Conv1d(dim, c, 7, padding: 3) };
        foreach (var r in ratios.Reverse())
        {
            d.Add(new ELU());
            d.Add(new ConvTranspose1d(c, c / 2, 2 * r, stride: r, padding: (r + 1) / 2, output_padding: r % 2));
            c /= 2;
            d.Add(new ResidualUnit(c, 1));
            d.Add(new ResidualUnit(c, 3));
            d.Add(new ResidualUnit(c, 9));
        }
        d.Add(new ELU());
        d.Add(new Conv1d(c, 1, 7, padding: 3));
        dec = new Sequential(d.ToArray());
    }

    public override Tensor forward(Tensor x) => dec.forward(enc.forward(x)); // (B, 1, T) -> (B, 1, T)

    /// <summary>x + Conv1d(c/2→c, k=1)(ELU(Conv1d(c→c/2, k=7, dilation d)(ELU(x)))).</summary>
    private sealed class ResidualUnit : Module<Tensor, Tensor>
    {
        private readonly Conv1d a;
        private readonly Conv1d b;

        public ResidualUnit(long c, long dilation)
        {
            a = new Conv1d(c, c / 2, 7, dilation: dilation, padding: 3 * dilation);
            b = new Conv1d(c / 2, c, 1);
        }

        public override Tensor forward(Tensor x) => x + b.forward(a.forward(x.elu()).elu());
    }
}
