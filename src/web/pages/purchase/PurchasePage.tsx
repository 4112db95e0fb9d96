import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';

import { api, type ResponseOf } from '../../api/client.ts';
import { Alert } from '../../components/Alert.tsx';
import { FormField, RadioGroup } from '../../components/FormField.tsx';
import { MenuButton } from '../../components/MenuButton.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatNumber } from '../../format.ts';
import { asApiError } from '../../session/SessionProvider.tsx';
import { BillingAddressStep, EMPTY_ADDRESS, type BillingAddress } from './BillingAddressStep.tsx';
import { CardFields, EMPTY_CARD, type CardInput } from './CardFields.tsx';
import { useLoad } from '../../hooks/use-load.ts';
import { LoadingState } from '../../components/LoadingState.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';

type Order = ResponseOf<'/api/licenses/orders', 'post'>;
type Pricing = ResponseOf<'/api/licenses/pricing', 'get'>;

function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
}

function addressLine(address: BillingAddress): string {
  return [
    address.company,
    address.street,
    [address.postalCode, address.city].filter(Boolean).join(' '),
    address.country,
  ]
    .map((part) => part.trim())
    .filter(Boolean)
    .join(', ');
}
type PaymentMethod = 'card' | 'wire' | 'purchaseOrder';
type Step = 'product' | 'quantity' | 'billing' | 'summary' | 'done';

/**
 * Purchase, as the guide walks it: Select → User Migration Bundle licenses → number → Buy Now →
 * billing address → Next → Order Summary and payment method → Place Your Order.
 */
export function PurchasePage() {
  const [pricing, reloadPricing] = useLoad(() => api.get('/api/licenses/pricing'), []);
  if (pricing.status === 'loading') return <LoadingState label="Loading prices…" />;
  if (pricing.status === 'error') {
    return (
      <>
        <PageHeader title="Purchase" description="User Migration Bundle licenses for your workgroup." />
        <ErrorState
          title="Purchase is not available"
          error={pricing.error}
          onRetry={() => void reloadPricing()}
        />
      </>
    );
  }
  return <PurchaseFlow pricing={pricing.data} />;
}

function PurchaseFlow({ pricing }: { pricing: Pricing }) {
  const { unitPriceCents } = pricing;
  const wireMinimum = pricing.wireMinimumQuantity;
  const money = (cents: number) => formatMoney(cents, pricing.currency);
  const [step, setStep] = useState<Step>('product');
  const [quantity, setQuantity] = useState('1');
  const [address, setAddress] = useState<BillingAddress>(EMPTY_ADDRESS);
  const [method, setMethod] = useState<PaymentMethod>('card');
  const [card, setCard] = useState<CardInput>(EMPTY_CARD);
  const [placing, setPlacing] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [order, setOrder] = useState<Order>();
  const count = Number.parseInt(quantity, 10);
  const quantityError =
    quantity !== '' && (!Number.isInteger(count) || count < 1)
      ? 'Enter a whole number of licenses, 1 or more.'
      : undefined;

  const buyNow = (event: FormEvent) => {
    event.preventDefault();
    if (quantityError === undefined && count >= 1) setStep('billing');
  };

  const placeOrder = async (event: FormEvent) => {
    event.preventDefault();
    setPlacing(true);
    setProblem(undefined);
    try {
      const placed = await api.post('/api/licenses/orders', {
        body: {
          quantity: count,
          paymentMethod: method,
          ...(method === 'card'
            ? {
                card: {
                  number: card.number.replace(/\s/g, ''),
                  expiryMonth: Number(card.expiryMonth),
                  expiryYear: Number(card.expiryYear),
                  cvc: card.cvc,
                  ...(card.holderName === '' ? {} : { holderName: card.holderName }),
                },
              }
            : {}),
          ...(addressLine(address) === '' ? {} : { billingAddress: addressLine(address) }),
        },
      });
      setOrder(placed);
      setStep('done');
    } catch (error) {
      setProblem(asApiError(error).message);
    } finally {
      setPlacing(false);
    }
  };

  return (
    <>
      <PageHeader title="Purchase" description="User Migration Bundle licenses for your workgroup." />
      {step === 'product' && (
        <section className="panel product" aria-labelledby="umb-title">
          <h2 id="umb-title">User Migration Bundle</h2>
          <p className="panel-intro">
            One license lets one customer user’s mailbox run Pre-Stage and Full migrations for a year. Verify
            Credentials, Trial and Retry Errors are always free. {money(unitPriceCents)} per license.
          </p>
          <MenuButton
            label="Select"
            className="button button-primary"
            items={[{ label: 'User Migration Bundle licenses', onSelect: () => setStep('quantity') }]}
          />
        </section>
      )}
      {step === 'quantity' && (
        <form className="panel form" aria-labelledby="quantity-title" onSubmit={buyNow}>
          <h2 id="quantity-title">User Migration Bundle licenses</h2>
          <FormField
            label="Number of licenses"
            type="number"
            inputMode="numeric"
            min={1}
            required
            autoFocus
            value={quantity}
            error={quantityError}
            hint={`${money(unitPriceCents)} each. Wire transfer is possible from ${wireMinimum} licenses.`}
            onChange={(event) => setQuantity(event.target.value)}
          />
          <div className="form-actions">
            <button type="button" className="button button-quiet" onClick={() => setStep('product')}>
              Back
            </button>
            <button type="submit" className="button button-primary">
              Buy Now
            </button>
          </div>
        </form>
      )}
      {step === 'billing' && (
        <BillingAddressStep
          address={address}
          onChange={setAddress}
          onBack={() => setStep('quantity')}
          onNext={() => setStep('summary')}
        />
      )}
      {step === 'summary' && (
        <form
          className="panel form"
          aria-labelledby="summary-title"
          onSubmit={(event) => void placeOrder(event)}
        >
          <h2 id="summary-title">Order Summary</h2>
          <dl className="details">
            <dt>Product</dt>
            <dd>User Migration Bundle licenses</dd>
            <dt>Quantity</dt>
            <dd>{formatNumber(count)}</dd>
            <dt>Unit price</dt>
            <dd>{money(unitPriceCents)}</dd>
            <dt>Total</dt>
            <dd>
              <strong>{money(count * unitPriceCents)}</strong>
            </dd>
            {addressLine(address) !== '' && (
              <>
                <dt>Billed to</dt>
                <dd>{addressLine(address)}</dd>
              </>
            )}
          </dl>
          <RadioGroup<PaymentMethod>
            legend="Payment method"
            name="paymentMethod"
            value={method}
            onChange={setMethod}
            options={[
              {
                value: 'card',
                label: 'Credit card',
                hint: 'Licenses are available as soon as the payment is accepted.',
              },
              {
                value: 'wire',
                label: 'Wire transfer',
                hint: `For ${wireMinimum} licenses or more; available once the payment is received and recorded.`,
              },
              {
                value: 'purchaseOrder',
                label: 'Purchase order',
                hint: 'Not accepted, because of its processing overhead.',
              },
            ]}
          />
          {method === 'card' && <CardFields card={card} onChange={setCard} />}
          {problem !== undefined && (
            <Alert tone="error" title="The order was not placed">
              <p>{problem}</p>
            </Alert>
          )}
          <div className="form-actions">
            <button type="button" className="button button-quiet" onClick={() => setStep('billing')}>
              Back
            </button>
            <button type="submit" className="button button-primary" disabled={placing}>
              {placing ? 'Placing your order…' : 'Place Your Order'}
            </button>
          </div>
        </form>
      )}
      {step === 'done' && order !== undefined && (
        <OrderPlaced order={order} onAnother={() => setStep('product')} />
      )}
    </>
  );
}

function OrderPlaced({ order, onAnother }: { order: Order; onAnother: () => void }) {
  const paid = order.status === 'paid';
  return (
    <section className="panel" aria-labelledby="placed-title">
      <Alert
        tone={paid ? 'success' : 'info'}
        title={paid ? 'Your licenses are available' : 'Your order is pending'}
      >
        <p>
          {paid
            ? `${formatNumber(order.quantity)} User Migration Bundle licenses were added to your workgroup. A confirmation email is on its way.`
            : `The ${formatNumber(order.quantity)} licenses become available once the wire transfer is received and recorded; you will be notified by email.`}
        </p>
      </Alert>
      <h2 id="placed-title" className="visually-hidden">
        Order placed
      </h2>
      <p className="panel-links">
        <Link to="/customers">Go to All Customers to apply them</Link>
        <Link to="/licenses">See Licenses</Link>
        <button type="button" className="button button-quiet" onClick={onAnother}>
          Purchase more
        </button>
      </p>
    </section>
  );
}
