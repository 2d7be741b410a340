using System.Diagnostics;

namespace MusicLM.Audio.Tests.IO;

/// <summary>Runs the reference programs the tests compare against (Debian's python with soundfile, ffmpeg, sox).</summary>
internal static class Tools
{
    public const string Python = "/usr/bin/python3";

    public static string Run(string program, params string[] args) => Run(program, args, null);

    public static string Run(string program, string[] args, string? workDir)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workDir is not null) psi.WorkingDirectory = workDir;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new Xunit.Sdk.XunitException($"{program} {string.Join(' ', args)} failed ({p.ExitCode}):\n{o}\n{err.Result}");
        return o + err.Result;
    }

    public static string TempDir(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;
}
