namespace MusicLM.Kernel.Execution;

/// <summary>How a cell ended: a value (maybe none) or an error with the lines a notebook shows.</summary>
internal sealed record CellOutcome(bool Ok, object? Value, string ErrorName = "", string ErrorValue = "", IReadOnlyList<string>? Traceback = null)
{
    public static CellOutcome Success(object? value) => new(true, value);

    public static CellOutcome Error(string name, string value, IReadOnlyList<string> traceback) => new(false, null, name, value, traceback);
}
