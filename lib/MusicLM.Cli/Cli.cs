using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Text.Json;
using MusicLM.Cli.Commands;
using MusicLM.Torch;

namespace MusicLM.Cli;

/// <summary>
/// The <c>musiclm</c> command tree (System.CommandLine) and its conventions: <c>--help</c> at every level prints
/// usage and exits 0; an unknown command or option, a bad value or a missing required option is one line on
/// stderr naming the nearest valid name, then the usage, exit 2; a failure while running (missing file, bad
/// data, engine error) is one line on stderr, exit 1.
/// </summary>
public static class Cli
{
    /// <summary>Bad command line: unknown name, bad or missing value.</summary>
    public const int UsageError = 2;

    /// <summary>The command ran and failed (a file that is missing or malformed, an engine error).</summary>
    public const int RunError = 1;

    /// <summary>Runs a command line (without the program's name) against the given streams.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, bool terminal = false) =>
        Run(args, new CliContext(stdout, stderr, terminal));

    public static int Run(IReadOnlyList<string> args, CliContext ctx)
    {
        // "musiclm help codec train" reads as "musiclm codec train --help".
        if (args.Count > 0 && args[0] == "help") args = [.. args.Skip(1), "--help"];
        var root = Build(ctx);
        var result = root.Parse(args);
        var config = new InvocationConfiguration { Output = ctx.Out, Error = ctx.Error, EnableDefaultExceptionHandler = false };
        if (result.Action is CliHelp) return result.Invoke(config);

        var command = result.CommandResult.Command;
        if (command == root && result.GetValue(VersionOption) && result.UnmatchedTokens.Count == 0)
        {
            ctx.Out.WriteLine($"musiclm {Version} (libtorch {torch.version})");
            return 0;
        }
        var unmatched = result.UnmatchedTokens.FirstOrDefault() ?? DashArgument(result);
        if (unmatched is null && command.Subcommands.Count > 0 && command.Action is null)
        {
            // A group alone ("musiclm codec"): its help, as an error.
            ctx.Error.WriteLine($"{CliHelp.PathOf(command)}: give a command: {Suggest.OneOf(command.Subcommands.Select(c => c.Name).ToList())}");
            ctx.Error.WriteLine();
            root.Parse([.. CliHelp.PathOf(command).Split(' ').Skip(1), "--help"])
                .Invoke(new InvocationConfiguration { Output = ctx.Error, Error = ctx.Error });
            return UsageError;
        }
        if (unmatched is not null || result.Errors.Count > 0)
        {
            var message = unmatched is not null ? Unknown(command, unmatched) : result.Errors[0].Message.ReplaceLineEndings(" ");
            ctx.Error.WriteLine($"{CliHelp.PathOf(command)}: {message}");
            ctx.Error.WriteLine($"usage: {CliHelp.Synopsis(command)}   (see '{CliHelp.PathOf(command)} --help')");
            return UsageError;
        }
        try
        {
            return result.Invoke(config);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or TorchException
                                      or InvalidDataException or NotSupportedException or FormatException or JsonException
                                      or MusicLM.Torch.Serialization.CheckpointFormatException)
        {
            // An ArgumentException's message ends with " (Parameter 'name')": the name of a C# parameter, not of anything the user typed.
            var message = e is ArgumentException { ParamName: { } p } ? e.Message.Replace($" (Parameter '{p}')", "") : e.Message;
            ctx.Error.WriteLine($"{CliHelp.PathOf(command)}: {message.ReplaceLineEndings(" ")}");
            return RunError;
        }
    }

    /// <summary>The whole tree; built per run because the actions write to <paramref name="ctx"/>'s streams.</summary>
    internal static Command Build(CliContext ctx)
    {
        var help = new HelpOption { Recursive = true };
        var parserHelp = (HelpAction)help.Action!;
        parserHelp.MaxWidth = 110;
        help.Action = new CliHelp(parserHelp);
        var root = new Command("musiclm", "MusicLM Notebooks: data, audio analysis, the neural codec, semantic tokens, MuLan, the course's models, text to music, and engine checks.\n"
                                          + "Run 'musiclm <command> --help' for a command's options.");
        root.Options.Add(help);
        root.Options.Add(VersionOption);
        root.With(
            Demo.Build(ctx),
            Info(ctx),
            new Command("audio", "Audio files: 'audio info FILE' describes one as JSON.").With(AudioInfo.Build(ctx)),
            new Command("dataset", "Datasets: 'dataset synth' writes the synthetic captioned music dataset.").With(DatasetSynth.Build(ctx)),
            new Command("analysis", "Music analysis: 'analysis eval' scores tempo and key estimation against a manifest.").With(AnalysisEval.Build(ctx)),
            CodecCommand.Build(ctx),
            SemanticCommand.Build(ctx),
            MulanCommand.Build(ctx),
            CourseCommand.Build(ctx),
            GenerateCommand.Build(ctx),
            BenchCommand.Build(ctx));
        CliHelp.SetExamples(root,
            "musiclm demo",
            "musiclm dataset synth --out /tmp/synth --count 100 --seed 1 --sample-rate 16000",
            "musiclm codec train --data /tmp/synth --out /tmp/codec/course.safetensors --minutes 8",
            "musiclm semantic fit --data /tmp/synth --out /tmp/semantic/course.safetensors --minutes 4",
            "musiclm mulan train --data /tmp/synth --out /tmp/mulan/course.safetensors --minutes 7",
            "musiclm course prepare --minutes-per-stage 8",
            "musiclm generate --prompt \"a fast techno track with a saw lead in A minor\" --out techno.wav",
            "musiclm codec --help");
        return root;
    }

    private static readonly Option<bool> VersionOption = new("--version") { Description = "Print the version of musiclm and of its libtorch, then exit." };

    /// <summary>The informational version of this build (the project's version, and the commit when the build knows it).</summary>
    public static string Version =>
        typeof(Cli).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion
        ?? typeof(Cli).Assembly.GetName().Version?.ToString() ?? "unknown";

    private static Command Info(CliContext ctx)
    {
        var info = new Command("info", "Engine version, threads and CUDA devices.");
        info.SetAction(_ =>
        {
            ctx.Out.WriteLine($"libtorch {torch.version}");
            ctx.Out.WriteLine($"threads {torch.get_num_threads()}");
            ctx.Out.WriteLine($"cuda {(torch.cuda.is_available() ? torch.cuda.device_count() + " device(s)" : "not available")}");
            return 0;
        });
        return info;
    }

    /// <summary>A value that looks like an option but landed in a command's arguments ("bench engine B0 --threads 2").</summary>
    private static string? DashArgument(ParseResult result) =>
        result.CommandResult.Command.Arguments
            .SelectMany(a => result.GetResult(a)?.Tokens ?? [])
            .Select(t => t.Value)
            .FirstOrDefault(v => v.StartsWith('-') && !double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out _));

    /// <summary>"unknown option '--stesp' (did you mean '--steps'?)", or the valid names when none is near.</summary>
    private static string Unknown(Command command, string token)
    {
        if (token.StartsWith('-'))
        {
            var names = OptionsOf(command).SelectMany(o => new[] { o.Name }.Concat(o.Aliases)).Where(n => n.StartsWith("--")).Distinct().ToList();
            var near = Suggest.Nearest(token, names);
            return $"unknown option '{token}'" + (near is not null ? $" (did you mean '{near}'?)" : $" (options: {string.Join(", ", names)})");
        }
        if (command.Subcommands.Count > 0)
        {
            var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            var near = Suggest.Nearest(token, names);
            return $"unknown command '{token}'" + (near is not null ? $" (did you mean '{near}'?)" : $" (commands: {string.Join(", ", names)})");
        }
        return $"unexpected argument '{token}'";
    }

    /// <summary>The command's own options and the recursive ones of its parents (--help).</summary>
    private static IEnumerable<Option> OptionsOf(Command command)
    {
        foreach (var o in command.Options.Where(o => !o.Hidden)) yield return o;
        for (var p = command.Parents.OfType<Command>().FirstOrDefault(); p is not null; p = p.Parents.OfType<Command>().FirstOrDefault())
            foreach (var o in p.Options.Where(o => o.Recursive && !o.Hidden)) yield return o;
    }
}
