using System.Diagnostics;
using System.Text.Json;

namespace MusicLM.Audio.Tests.Dsp;

/// <summary>Runs a reference computation in Debian's Python (numpy) and returns what it prints as JSON.</summary>
internal static class Numpy
{
    public const string Python = "/usr/bin/python3";

    public static JsonElement Run(string script)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-");
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "python did not finish in a minute");
        Assert.True(p.ExitCode == 0, $"python failed: {stderr.Result}");
        return JsonDocument.Parse(stdout.Result).RootElement.Clone();
    }

    public static double[,] Matrix(JsonElement e)
    {
        int r = e.GetArrayLength(), c = e[0].GetArrayLength();
        var m = new double[r, c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) m[i, j] = e[i][j].GetDouble();
        return m;
    }
}
