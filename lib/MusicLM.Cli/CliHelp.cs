using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace MusicLM.Cli;

/// <summary>
/// The parser's help (description, usage, arguments, options with their defaults, subcommands) followed by
/// the command's examples, and the one-line usage printed under an error.
/// </summary>
internal sealed class CliHelp(HelpAction inner) : SynchronousCommandLineAction
{
    private static readonly ConditionalWeakTable<Command, string[]> examples = new();

    /// <summary>Help answers even when the rest of the line has errors ("codec train --help" with no --data).</summary>
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        inner.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        if (examples.TryGetValue(parseResult.CommandResult.Command, out var lines))
        {
            output.WriteLine("Examples:");
            foreach (var l in lines) output.WriteLine("  " + l);
            output.WriteLine();
        }
        return 0;
    }

    /// <summary>Examples shown at the end of the command's help.</summary>
    public static void SetExamples(Command command, params string[] lines) => examples.AddOrUpdate(command, lines);

    /// <summary>"musiclm codec train".</summary>
    public static string PathOf(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault()) names.Add(c.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>"musiclm dataset synth --out DIR --count N --seed S --sample-rate R [options]".</summary>
    public static string Synopsis(Command command)
    {
        var parts = new List<string> { PathOf(command) };
        if (command.Subcommands.Count > 0) parts.Add("<command>");
        var visible = command.Options.Where(o => !o.Hidden && o is not HelpOption).ToList();
        parts.AddRange(visible.Where(Options.IsRequired).Select(o => $"{o.Name} {o.HelpName ?? "VALUE"}"));
        foreach (var a in command.Arguments.Where(a => !a.Hidden))
        {
            var name = a.HelpName ?? a.Name;
            var optional = a.Arity.MinimumNumberOfValues == 0;
            parts.Add(optional ? $"[{name}{(a.Arity.MaximumNumberOfValues > 1 ? " ..." : "")}]" : name);
        }
        if (visible.Any(o => !Options.IsRequired(o))) parts.Add("[options]");
        return string.Join(' ', parts);
    }
}
