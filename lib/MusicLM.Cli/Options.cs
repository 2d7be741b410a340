using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MusicLM.Cli;

/// <summary>
/// Typed options with one-line errors ("--count must be an integer of at least 1, got 'many'") instead of the
/// parser's "Cannot parse argument … as expected type 'System.Nullable`1[System.Int32]'", and required options
/// reported as "--out is required".
/// </summary>
internal static class Options
{
    /// <summary>An integer option of at least <paramref name="min"/>; with <paramref name="default"/> the help shows it.</summary>
    public static Option<int?> Int(string name, string helpName, string description, int min = int.MinValue, int? @default = null)
    {
        var o = new Option<int?>(name) { HelpName = helpName, Description = description };
        o.CustomParser = r =>
        {
            var s = r.Tokens[0].Value;
            if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min) return v;
            r.AddError(min == int.MinValue ? $"{name} must be an integer, got '{s}'" : $"{name} must be an integer of at least {min}, got '{s}'");
            return null;
        };
        if (@default is { } d) o.DefaultValueFactory = _ => d;
        return o;
    }

    /// <summary>A number option accepted when <paramref name="ok"/> holds; <paramref name="rule"/> says what it must be.</summary>
    public static Option<double?> Number(string name, string helpName, string description, Func<double, bool> ok, string rule, double? @default = null)
    {
        var o = new Option<double?>(name) { HelpName = helpName, Description = description };
        o.CustomParser = r =>
        {
            var s = r.Tokens[0].Value;
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && ok(v)) return v;
            r.AddError($"{name} must be {rule}, got '{s}'");
            return null;
        };
        if (@default is { } d) o.DefaultValueFactory = _ => d;
        return o;
    }

    public static Option<string?> Text(string name, string helpName, string description) =>
        new(name) { HelpName = helpName, Description = description };

    /// <summary>One of <paramref name="choices"/>; a near miss is named in the error.</summary>
    public static Option<string> Choice(string name, string description, string @default, params string[] choices)
    {
        var o = new Option<string>(name) { HelpName = string.Join('|', choices), Description = description, DefaultValueFactory = _ => @default };
        o.CustomParser = r =>
        {
            var s = r.Tokens[0].Value;
            if (choices.Contains(s)) return s;
            var near = Suggest.Nearest(s, choices);
            r.AddError($"{name} must be {Suggest.OneOf(choices)}, got '{s}'" + (near is null ? "" : $" (did you mean '{near}'?)"));
            return @default;
        };
        return o;
    }

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Option, object> required = new();

    public static bool IsRequired(Option o) => required.TryGetValue(o, out _);

    /// <summary>Marks options required: "(required)" leads their help, and leaving one out is "NAME is required".</summary>
    public static void Require(Command command, params Option[] options)
    {
        foreach (var o in options)
        {
            o.Description = "(required) " + o.Description;
            required.AddOrUpdate(o, true);
        }
        command.Validators.Add(r =>
        {
            foreach (var o in options)
                if (r.GetResult(o) is null) r.AddError($"{o.Name} is required");
        });
    }

    /// <summary>Adds the options to the command; returns it (for building the tree in one expression).</summary>
    public static Command With(this Command command, params Symbol[] symbols)
    {
        foreach (var s in symbols)
        {
            if (s is Option o) command.Options.Add(o);
            else if (s is Argument a) command.Arguments.Add(a);
            else if (s is Command c) command.Subcommands.Add(c);
        }
        return command;
    }
}
