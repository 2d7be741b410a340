namespace MusicLM.Interactive;

/// <summary>
/// A shown output that can be replaced in place (Jupyter's <c>update_display_data</c>): progress bars,
/// live training curves, or anything you show once and refresh.
/// </summary>
public sealed class DisplayHandle
{
    internal DisplayHandle(string id) => Id = id;

    /// <summary>The Jupyter display id.</summary>
    public string Id { get; }

    /// <summary>Replaces the shown output with <paramref name="value"/> (converted like <see cref="Display.display"/>).</summary>
    public void Update(object? value) => DisplaySink.Publish(Display.ToBundle(value), Id, update: true);
}
