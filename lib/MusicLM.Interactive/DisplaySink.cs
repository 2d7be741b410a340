namespace MusicLM.Interactive;

/// <summary>
/// Where displayed bundles go: the active <see cref="HtmlReport"/> (if any), the kernel (if running inside
/// it), and otherwise the console as plain text.
/// </summary>
internal static class DisplaySink
{
    public static void Publish(MimeBundle bundle, string id, bool update)
    {
        var report = HtmlReport.Current;
        report?.Put(id, bundle, update);
        var kernel = KernelHooks.Publisher;
        if (kernel != null)
        {
            kernel(bundle.Data, bundle.Metadata.Count == 0 ? null : bundle.Metadata, id, update);
            return;
        }
        if (report == null) Console.Out.WriteLine(bundle.Get(MimeTypes.Text) ?? "");
    }
}
