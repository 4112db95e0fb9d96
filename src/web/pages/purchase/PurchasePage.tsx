import { Link } from 'react-router';

import { PageHeader } from '../../components/PageHeader.tsx';

export function PurchasePage() {
  return (
    <>
      <PageHeader title="Purchase" description="Where MigrationWiz sells User Migration Bundle licenses." />
      <section className="panel">
        <h2>Nothing to buy</h2>
        <p>
          Ferry is open-source software that you run yourself: migrations need no payment, no credit card and
          no purchase order. Where your migration guide says to purchase licenses, skip that step and continue
          with creating a customer.
        </p>
        <p className="panel-links">
          <Link to="/customers">Go to All Customers</Link>
          <Link to="/licenses">See Licenses</Link>
        </p>
      </section>
    </>
  );
}
