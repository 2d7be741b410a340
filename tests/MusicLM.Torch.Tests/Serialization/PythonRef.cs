namespace MusicLM.Torch.Tests.Serialization;

/// <summary>
/// Runs a reference script with Debian's Python, which has PyTorch 1.13 (the pyenv `python3` on
/// PATH has no torch, hence the absolute path). Expected values in the tests come from here, not
/// from the code under test.
/// </summary>
internal static class PythonRef
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/>; returns stdout, fails the test on a non-zero exit.</summary>
    public static string Run(string script, params string[] args)
    {
        var file = Path.Combine(Path.GetTempPath(), $"mlt-ser-{Guid.NewGuid():N}.py");
        File.WriteAllText(file, script);
        try
        {
            return ReferencePython.RunOk(file, args);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
