package dev.smtpapi.suppression;

class InMemorySuppressionListTest extends SuppressionListContract {
    @Override
    SuppressionList emptyList() {
        return new InMemorySuppressionList();
    }
}
