namespace MusicLM.Torch.Tests;

/// <summary>Plain-loop reference implementations of the convolutions, row-major over flat arrays.</summary>
internal static class Reference
{
    /// <summary>x (N, Cin, L), w (Cout, Cin/groups, K) → (N, Cout, Lout).</summary>
    public static (double[] y, int lout) Conv1d(double[] x, int n, int cin, int l, double[] w, int cout, int k, double[]? b, int stride, int pad, int dil, int groups)
    {
        int lout = (l + 2 * pad - dil * (k - 1) - 1) / stride + 1;
        int cinG = cin / groups, coutG = cout / groups;
        var y = new double[n * cout * lout];
        for (int b0 = 0; b0 < n; b0++)
            for (int co = 0; co < cout; co++)
            {
                int g = co / coutG;
                for (int t = 0; t < lout; t++)
                {
                    double s = b?[co] ?? 0;
                    for (int ci = 0; ci < cinG; ci++)
                        for (int j = 0; j < k; j++)
                        {
                            int pos = t * stride - pad + j * dil;
                            if (pos < 0 || pos >= l) continue;
                            s += w[(co * cinG + ci) * k + j] * x[(b0 * cin + g * cinG + ci) * l + pos];
                        }
                    y[(b0 * cout + co) * lout + t] = s;
                }
            }
        return (y, lout);
    }

    /// <summary>x (N, Cin, H, W), w (Cout, Cin/groups, KH, KW) → (N, Cout, Hout, Wout).</summary>
    public static (double[] y, int hout, int wout) Conv2d(double[] x, int n, int cin, int h, int wd, double[] w, int cout, int kh, int kw, double[]? b,
                                                          (int, int) stride, (int, int) pad, (int, int) dil, int groups)
    {
        int hout = (h + 2 * pad.Item1 - dil.Item1 * (kh - 1) - 1) / stride.Item1 + 1;
        int wout = (wd + 2 * pad.Item2 - dil.Item2 * (kw - 1) - 1) / stride.Item2 + 1;
        int cinG = cin / groups, coutG = cout / groups;
        var y = new double[n * cout * hout * wout];
        for (int b0 = 0; b0 < n; b0++)
            for (int co = 0; co < cout; co++)
                for (int i = 0; i < hout; i++)
                    for (int j = 0; j < wout; j++)
                    {
                        int g = co / coutG;
                        double s = b?[co] ?? 0;
                        for (int ci = 0; ci < cinG; ci++)
                            for (int u = 0; u < kh; u++)
                                for (int v = 0; v < kw; v++)
                                {
                                    int r = i * stride.Item1 - pad.Item1 + u * dil.Item1;
                                    int c = j * stride.Item2 - pad.Item2 + v * dil.Item2;
                                    if (r < 0 || r >= h || c < 0 || c >= wd) continue;
                                    s += w[((co * cinG + ci) * kh + u) * kw + v] * x[((b0 * cin + g * cinG + ci) * h + r) * wd + c];
                                }
                        y[((b0 * cout + co) * hout + i) * wout + j] = s;
                    }
        return (y, hout, wout);
    }

    /// <summary>
    /// Transposed convolution by scattering: each input sample adds w · x at t·stride − pad + j·dil.
    /// x (N, Cin, L), w (Cin, Cout/groups, K) → (N, Cout, Lout).
    /// </summary>
    public static (double[] y, int lout) ConvTranspose1d(double[] x, int n, int cin, int l, double[] w, int coutG, int k, double[]? b,
                                                         int stride, int pad, int outPad, int dil, int groups)
    {
        int lout = (l - 1) * stride - 2 * pad + dil * (k - 1) + outPad + 1;
        int cinG = cin / groups, cout = coutG * groups;
        var y = new double[n * cout * lout];
        for (int b0 = 0; b0 < n; b0++)
        {
            for (int co = 0; co < cout; co++)
                for (int t = 0; t < lout; t++)
                    y[(b0 * cout + co) * lout + t] = b?[co] ?? 0;
            for (int ci = 0; ci < cin; ci++)
            {
                int g = ci / cinG;
                for (int col = 0; col < coutG; col++)
                    for (int t = 0; t < l; t++)
                        for (int j = 0; j < k; j++)
                        {
                            int pos = t * stride - pad + j * dil;
                            if (pos < 0 || pos >= lout) continue;
                            int co = g * coutG + col;
                            y[(b0 * cout + co) * lout + pos] += w[(ci * coutG + col) * k + j] * x[(b0 * cin + ci) * l + t];
                        }
            }
        }
        return (y, lout);
    }
}
