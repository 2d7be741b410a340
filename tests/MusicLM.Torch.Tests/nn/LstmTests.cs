using MusicLM.Torch.nn;

namespace MusicLM.Torch.Tests;

public class LstmTests
{
    [Fact]
    public void Two_layer_lstm_matches_pytorch_with_the_same_weights()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        using var lstm = new LSTM(5, 6, num_layers: 2);
        var x = torch.randn(2, 7, 5);
        var h0 = torch.randn(2, 2, 6);
        var c0 = torch.randn(2, 2, 6);
        var inputs = new Dictionary<string, Tensor>(lstm.state_dict()) { ["x"] = x, ["h0"] = h0, ["c0"] = c0 };
        var (py, _) = PythonTorch.Run("""
            lstm = torch.nn.LSTM(5, 6, num_layers=2, batch_first=True)
            lstm.load_state_dict({k: load(k) for k in lstm.state_dict()})
            y, (h, c) = lstm(load('x'), (load('h0'), load('c0')))
            save('y', y); save('h', h); save('c', c)
            y0, (h, c) = lstm(load('x'))
            save('y0', y0)
            """, inputs);

        var (y, (hn, cn)) = lstm.forward(x, (h0, c0));
        Assert.Equal(new long[] { 2, 7, 6 }, y.shape);
        Assert.True(y.allclose(py["y"], rtol: 0, atol: 1e-5));
        Assert.True(hn.allclose(py["h"], rtol: 0, atol: 1e-5));
        Assert.True(cn.allclose(py["c"], rtol: 0, atol: 1e-5));
        Assert.True(lstm.forward(x).output.allclose(py["y0"], rtol: 0, atol: 1e-5), "zero initial state");
    }

    [Fact]
    public void Time_first_layout_gives_the_same_result_transposed()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        using var a = new LSTM(3, 4, num_layers: 2);
        using var b = new LSTM(3, 4, num_layers: 2, batch_first: false);
        b.load_state_dict(a.state_dict());
        var x = torch.randn(2, 5, 3);                                       // (B, T, in)
        var (ya, (ha, _)) = a.forward(x);
        var (yb, (hb, _)) = b.forward(x.transpose(0, 1));                   // (T, B, in)
        Assert.Equal(new long[] { 5, 2, 4 }, yb.shape);
        Assert.True(ya.allclose(yb.transpose(0, 1), atol: 1e-6));
        Assert.True(ha.allclose(hb, atol: 1e-6));
    }
}
