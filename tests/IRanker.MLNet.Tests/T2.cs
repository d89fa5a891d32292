public class T2 { [Fact] public void A() => 1.Should().Be(1); }
