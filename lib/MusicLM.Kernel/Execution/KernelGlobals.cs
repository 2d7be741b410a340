namespace MusicLM.Kernel.Execution;

/// <summary>
/// Members every cell sees as globals: <c>display(value)</c> and <c>clear_output()</c>, named as in
/// IPython so notebooks read the same. They need no reference to any toolkit.
/// </summary>
public sealed class KernelGlobals
{
    private readonly IDisplaySink _sink;

    internal KernelGlobals(IDisplaySink sink) => _sink = sink;

    /// <summary>Shows a value below the cell: its ToMimeBundle() when it has one, else its text.</summary>
    public void display(object? value)
    {
        if (value is null) return;
        _sink.PublishDisplay(MimeBundle.Of(value), null, null, false);
    }

    /// <summary>Shows a value under a display id; with <paramref name="update"/> it replaces the earlier output with that id.</summary>
    public void display(object? value, string displayId, bool update = false)
    {
        if (value is null) return;
        _sink.PublishDisplay(MimeBundle.Of(value), null, displayId, update);
    }

    /// <summary>Clears the cell's output; with <paramref name="wait"/> only when new output arrives.</summary>
    public void clear_output(bool wait = false) => _sink.ClearOutput(wait);
}
