using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MusicLM.Torch;
using MusicLM.Torch.nn;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Cli.Commands;

/// <summary>
/// The setup check and first taste: a tiny network learns one period of a sine wave on the CPU,
/// and its loss is printed as it falls.
/// </summary>
public static class Demo
{
    internal static Command Build(CliContext ctx)
    {
        var steps = Options.Int("--steps", "N", "Training steps (10 or more).", min: 10, @default: 500);
        var demo = new Command("demo", "Train a tiny network on the CPU and print its loss falling (the setup check).").With(steps);
        demo.SetAction(r => Run(r.GetValue(steps)!.Value, ctx.Out));
        CliHelp.SetExamples(demo, "musiclm demo", "musiclm demo --steps 2000");
        return demo;
    }

    public static int Run(int steps, TextWriter o)
    {
        o.WriteLine($"MusicLM Notebooks engine: libtorch {torch.version}, {torch.get_num_threads()} threads, CUDA {(torch.cuda.is_available() ? $"yes ({torch.cuda.device_count()} devices)" : "no")}");
        o.WriteLine("Training a 1-32-32-1 network to draw one period of a sine wave...");
        torch.manual_seed(0);
        using var net = new Sequential(new Linear(1, 32), new Tanh(), new Linear(32, 32), new Tanh(), new Linear(32, 1));
        using var opt = new Torch.optim.AdamW(net.parameters(), lr: 1e-2, weight_decay: 0);
        using var x = torch.linspace(-Math.PI, Math.PI, 256).unsqueeze(1);   // (256, 1)
        using var y = x.sin();
        var sw = Stopwatch.StartNew();
        double first = double.NaN, last = double.NaN;
        for (int step = 0; step <= steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            opt.zero_grad();
            var loss = F.mse_loss(net.forward(x), y);
            loss.backward();
            opt.step();
            last = loss.item();
            if (step == 0) first = last;
            if (step % (steps / 10) == 0)
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  step {step,4}  loss {last:F6}  {Bar(last, first)}"));
        }
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Loss fell from {first:F4} to {last:F6} in {sw.Elapsed.TotalSeconds:F1} s. The engine works."));
        return last < first ? 0 : 1;
    }

    private static string Bar(double v, double max) => new('#', (int)Math.Round(40 * Math.Clamp(v / max, 0, 1)));
}
