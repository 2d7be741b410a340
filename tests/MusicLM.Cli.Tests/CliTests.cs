namespace MusicLM.Cli.Tests;

/// <summary>The command tree: help at every level, unknown names answered with the nearest valid one, exit codes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cli-tree-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = Cli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("--help", "demo", "info", "audio", "dataset", "analysis", "codec", "bench")]
    [InlineData("-h", "demo", "codec", "bench")]
    [InlineData("codec --help", "train", "encode", "decode")]
    [InlineData("audio --help", "info")]
    [InlineData("dataset --help", "synth")]
    [InlineData("analysis --help", "eval")]
    [InlineData("bench --help", "engine", "codec", "stages")]
    [InlineData("help codec", "train", "encode", "decode")]
    public void Group_help_exits_0_and_lists_the_subcommands(string line, params string[] subcommands)
    {
        var (code, output, err) = Run(line.Split(' '));
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("Usage:", output);
        Assert.Contains("Commands:", output);
        foreach (var s in subcommands) Assert.Matches($@"(?m)^  {s}\s+\S", output);
    }

    [Theory]
    [InlineData("codec train --help", "--data", "--out", "--preset", "--steps", "--minutes", "--resume", "--batch-size", "--segment", "--seed", "--lr", "--lr-final")]
    [InlineData("codec encode --help", "--model", "--in", "--out", "--levels")]
    [InlineData("codec decode -h", "--model", "--in", "--out", "--levels")]
    [InlineData("dataset synth --help", "--out", "--count", "--seed", "--sample-rate", "--duration", "--stereo", "--threads")]
    [InlineData("analysis eval --help", "--manifest", "--split")]
    [InlineData("audio info --help", "FILE")]
    [InlineData("bench engine --help", "--pytorch", "B0|B1|B2|B3|all")]
    [InlineData("bench codec --help", "--pytorch")]
    [InlineData("bench stages --help", "semantic|coarse|fine|all")]
    [InlineData("demo --help", "--steps")]
    [InlineData("help codec train", "--data", "--lr")]
    public void Command_help_exits_0_and_describes_every_option(string line, params string[] options)
    {
        var (code, output, err) = Run(line.Split(' '));
        Assert.Equal(0, code);
        Assert.Equal("", err);
        var path = string.Join(' ', line.Split(' ').Where(w => !w.StartsWith('-') && w != "help"));
        Assert.Contains($"musiclm {path}", output);
        // Each option is listed with a description after it on its line.
        foreach (var o in options) Assert.Matches($@"(?m)^  (-\?, -h, )?<?{System.Text.RegularExpressions.Regex.Escape(o)}(>| <[^>]+>)?\s{{2,}}\S", output);
    }

    [Fact]
    public void Help_shows_defaults_and_examples()
    {
        var (_, train, _) = Run("codec", "train", "--help");
        Assert.Contains("[default: course]", train);
        Assert.Matches(@"--lr <RATE> .*\[default:\s+0\.001\]", train.ReplaceLineEndings(" "));   // CodecTrainerConfig.LearningRate
        Assert.Contains("Examples:", train);
        Assert.Contains("musiclm codec train --data ", train);
        var (_, synth, _) = Run("dataset", "synth", "--help");
        Assert.Contains("[default: 10]", synth);
        Assert.Contains("(required)", synth);
    }

    [Fact]
    public void Help_answers_even_when_required_options_are_missing()
    {
        var (code, output, err) = Run("codec", "encode", "--model", "x", "--help");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Contains("--levels", output);
    }

    [Theory]
    [InlineData("codec trian", "unknown command 'trian'", "'train'")]
    [InlineData("dataset snyth --out x", "unknown command 'snyth'", "'synth'")]
    [InlineData("bnech engine", "unknown command 'bnech'", "'bench'")]
    [InlineData("codec train --stesp 3 --data d --out o", "unknown option '--stesp'", "'--steps'")]
    [InlineData("dataset synth --sample-rte 16000", "unknown option '--sample-rte'", "'--sample-rate'")]
    [InlineData("bench engine B0 --pytroch x.py", "unknown option '--pytroch'", "'--pytorch'")]
    [InlineData("codec train --min 3", "unknown option '--min'", "'--minutes'")]
    [InlineData("--hlep", "unknown option '--hlep'", "'--help'")]
    public void Unknown_command_or_option_exits_2_and_names_the_nearest_valid_one(string line, string problem, string nearest)
    {
        var (code, output, err) = Run(line.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        var first = err.Split('\n')[0];
        Assert.Contains(problem, first);
        Assert.Contains($"did you mean {nearest}?", first);
        Assert.Contains("usage: musiclm", err);
    }

    [Fact]
    public void Version_names_the_build_and_its_libtorch()
    {
        var (code, output, err) = Run("--version");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Matches(@"^musiclm \d+\.\d+\.\d+\S* \(libtorch \d+\.\d+", output);
        Assert.Contains("--version", Run("--help").Item2);
        Assert.Equal(2, Run("--version", "--bogus").Item1);
    }

    [Fact]
    public void A_name_near_nothing_lists_the_valid_ones()
    {
        var (code, _, err) = Run("no-such-command");
        Assert.Equal(2, code);
        Assert.Contains("unknown command 'no-such-command' (commands: demo, info, audio, dataset, analysis, codec, semantic, mulan, course, generate, bench)", err);
    }

    [Fact]
    public void A_group_without_its_command_prints_its_help_as_an_error()
    {
        var (code, output, err) = Run("codec");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("give a command: train, encode or decode", err);
        Assert.Contains("Commands:", err);
    }

    [Theory]
    [InlineData("demo --steps many", "--steps must be an integer of at least 10, got 'many'")]
    [InlineData("demo --steps 5", "--steps must be an integer of at least 10, got '5'")]
    [InlineData("codec train --data d --out o --minutes soon", "--minutes must be a positive number of minutes, got 'soon'")]
    [InlineData("codec train --data d --out o --steps 2 --lr-final 2", "--lr-final must be a fraction in [0, 1], got '2'")]
    [InlineData("codec train --data d --out o --steps 2 --lr -1", "--lr must be a positive number, got '-1'")]
    [InlineData("codec train --data d --out o --steps 2 --preset corse", "--preset must be course, soundstream or encodec24k, got 'corse' (did you mean 'course'?)")]
    [InlineData("codec train --data d --out o --steps 2 --resume --preset course", "--preset cannot change a resumed run")]
    public void A_bad_value_is_one_clear_line_and_exit_2(string line, string message)
    {
        var (code, output, err) = Run(line.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(message, err.Split('\n')[0]);
    }

    [Fact]
    public void A_missing_file_is_one_line_and_exit_1()
    {
        var missing = Path.Combine(dir, "nope.jsonl");
        var (code, output, err) = Run("analysis", "eval", "--manifest", missing);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"musiclm analysis eval: {missing}: no such file", err.Trim());
        (code, _, err) = Run("codec", "encode", "--model", Path.Combine(dir, "none.safetensors"), "--in", "x.wav", "--out", "x.codes");
        Assert.Equal(1, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("model not found", err);
    }

    [Fact]
    public void Bench_stages_names_the_nearest_stage_for_an_unknown_one_before_running()
    {
        var (code, output, err) = Run("bench", "stages", "corase");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("unknown stage 'corase': expected one of semantic, coarse, fine or all (did you mean 'coarse'?)", err);
    }

    [Fact]
    public void Bench_twin_script_that_does_not_exist_is_exit_1_before_running()
    {
        var (code, output, err) = Run("bench", "engine", "B0", "--pytorch", Path.Combine(dir, "twin.py"));
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("PyTorch twin script not found", err);
    }

    [Fact]
    public void Bench_engine_draws_progress_on_a_fake_terminal_and_keeps_its_result_line_clean()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(0, Cli.Run(["bench", "engine", "B0"], o, e, terminal: true));
        Assert.Matches(@"^B0 small-op-overhead median_s=\S+ us_per_op=\S+$", o.ToString().Trim());
        Assert.Contains("\rbench engine  0/1 [....................]   0%", e.ToString());
        Assert.Contains("\rbench engine  1/1 [####################] 100%", e.ToString());
    }
}
