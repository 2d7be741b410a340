namespace MusicLM.Interactive;

/// <summary><c>x.Display()</c>: the extension-method spelling of <see cref="Display.display"/>.</summary>
public static class DisplayExtensions
{
    /// <summary>Shows this value now and returns a handle to update it in place.</summary>
    public static DisplayHandle Display(this object? value) => Interactive.Display.display(value);
}
